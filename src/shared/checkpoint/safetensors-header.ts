import { CheckpointFormatError, CheckpointLimitError, CheckpointMismatchError } from '../errors';
import { scanObject, skipSpace, type JsonMember, type ScanResult } from './json-object-scan';
import { MAX_ENTRY_CHARS, MAX_RANK, MAX_TENSORS } from './limits';
import { CHOOSE_OURS, EXPORT_AGAIN, formatShape, quoteName } from './refusal-text';
import {
  dtypeBytes,
  isKnownDType,
  isSupportedDType,
  type SafetensorsDType,
} from './safetensors-dtype';

export const METADATA_KEY = '__metadata__';

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** [begin, end) relative to the start of the data section. */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  /** Null when the header has no `__metadata__`. A Map, so a key like `__proto__` is inert. */
  readonly metadata: ReadonlyMap<string, string> | null;
  /** In header order. */
  readonly entries: readonly SafetensorsEntry[];
  /** Length the data section must have: the tensors tile [0, dataBytes) exactly. */
  readonly dataBytes: number;
}

function formatError(problem: string): CheckpointFormatError {
  return new CheckpointFormatError(`${problem} ${EXPORT_AGAIN}`);
}

function scanOrThrow(
  text: string,
  start: number,
  limit: number,
  what: string,
): Extract<ScanResult, { ok: true }> {
  const scan = scanObject(text, start, limit);
  if (scan.ok) return scan;
  switch (scan.reason) {
    case 'syntax':
      throw formatError(`The checkpoint header is not valid JSON (at character ${scan.at}).`);
    case 'duplicate':
      throw formatError(`The ${what} names ${quoteName(scan.key)} twice (duplicate names).`);
    case 'too-many':
      throw new CheckpointLimitError(
        `The ${what} lists more than ${MAX_TENSORS} tensors or keys, over the limit of this ` +
          `importer; this is not a checkpoint of this trainer. ${CHOOSE_OURS}`,
      );
  }
}

function parseMetadata(text: string, member: JsonMember): Map<string, string> {
  if (member.kind !== 'object') {
    throw formatError(`${METADATA_KEY} must be an object whose values are strings.`);
  }
  const scan = scanOrThrow(text, member.start, MAX_TENSORS, `${METADATA_KEY} object`);
  const metadata = new Map<string, string>();
  for (const m of scan.members) {
    if (m.kind !== 'string') {
      throw formatError(
        `${METADATA_KEY} values must be strings, but ${quoteName(m.key)} is a ${m.kind}.`,
      );
    }
    metadata.set(m.key, parseSlice(text, m) as string);
  }
  return metadata;
}

function parseSlice(text: string, member: JsonMember): unknown {
  try {
    return JSON.parse(text.slice(member.start, member.end));
  } catch {
    throw formatError(`The checkpoint header is not valid JSON (at character ${member.start}).`);
  }
}

function isOffset(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function parseEntry(text: string, member: JsonMember): SafetensorsEntry {
  const name = quoteName(member.key);
  if (member.kind !== 'object') {
    throw formatError(`Tensor ${name} is not an object with dtype, shape and data_offsets.`);
  }
  if (member.end - member.start > MAX_ENTRY_CHARS) {
    throw new CheckpointLimitError(
      `Tensor ${name}'s entry is ${member.end - member.start} characters long, over the ` +
        `${MAX_ENTRY_CHARS} this importer accepts; this is not a checkpoint of this trainer. ` +
        CHOOSE_OURS,
    );
  }
  const raw = parseSlice(text, member) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') throw formatError(`Tensor ${name} has no dtype string.`);
  if (!isKnownDType(dtype)) {
    throw formatError(`Tensor ${name} has unknown dtype ${quoteName(dtype)}.`);
  }
  if (!isSupportedDType(dtype)) {
    throw new CheckpointMismatchError(
      `Tensor ${name} has unsupported dtype ${dtype}: this trainer's checkpoints hold only F32 ` +
        `and I32 tensors, so the file is not one of its checkpoints. ${CHOOSE_OURS}`,
    );
  }
  if (!Array.isArray(shape)) throw formatError(`Tensor ${name} has no shape array.`);
  if (shape.length > MAX_RANK) {
    throw new CheckpointLimitError(
      `Tensor ${name} has ${shape.length} dimensions, over the ${MAX_RANK} this importer ` +
        `accepts. ${CHOOSE_OURS}`,
    );
  }
  if (!shape.every(isOffset)) {
    throw formatError(
      `Tensor ${name}'s shape must be whole numbers between 0 and 2^53-1, got ` +
        `${JSON.stringify(shape)}.`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset)) {
    throw formatError(
      `Tensor ${name}'s data_offsets must be two whole numbers between 0 and 2^53-1, got ` +
        `${quoteName(JSON.stringify(offsets) ?? 'nothing')}.`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw formatError(`Tensor ${name}'s data_offsets end before they begin.`);
  // BigInt: a product of safe integers can pass 2^53 and round to a span that happens to match.
  const bytes = shape.reduce((n: bigint, d: number) => n * BigInt(d), BigInt(dtypeBytes(dtype)));
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw formatError(
      `Tensor ${name}'s element count overflows: shape ${formatShape(shape)} of ${dtype} would ` +
        `be ${bytes} bytes.`,
    );
  }
  if (Number(bytes) !== end - begin) {
    throw formatError(
      `Tensor ${name}'s shape ${formatShape(shape)} of ${dtype} does not match its byte span: ` +
        `it needs ${bytes} bytes, data_offsets give ${end - begin}.`,
    );
  }
  return { name: member.key, dtype, shape, begin, end };
}

/** The tensors must tile the data section from 0 with no gap and no overlap, in any order. */
function tiledLength(entries: readonly SafetensorsEntry[]): number {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let next = 0;
  let previous: SafetensorsEntry | null = null;
  for (const e of sorted) {
    if (e.begin < next && previous !== null) {
      throw formatError(
        `Tensors ${quoteName(previous.name)} and ${quoteName(e.name)} overlap in the data section.`,
      );
    }
    if (e.begin > next) {
      throw formatError(
        `The data section has a gap of ${e.begin - next} bytes before tensor ` +
          `${quoteName(e.name)}; ` +
          `the tensors must cover it exactly.`,
      );
    }
    next = e.end;
    previous = e;
  }
  return next;
}

/** Validates a decoded header text completely; nothing it returns is larger than the text. */
export function parseSafetensorsHeader(text: string): SafetensorsHeader {
  const start = skipSpace(text, 0);
  if (start === text.length) throw formatError('The checkpoint header is empty, not JSON.');
  if (text[start] !== '{') throw formatError('The checkpoint header is not a JSON object.');
  const scan = scanOrThrow(text, start, MAX_TENSORS + 1, 'header');
  if (skipSpace(text, scan.end) !== text.length) {
    throw formatError(`The checkpoint header is not valid JSON (at character ${scan.end}).`);
  }
  const tensorCount = scan.members.filter((m) => m.key !== METADATA_KEY).length;
  if (tensorCount > MAX_TENSORS) {
    throw new CheckpointLimitError(
      `The header lists more than ${MAX_TENSORS} tensors, over the limit of this importer; ` +
        `this is not a checkpoint of this trainer. ${CHOOSE_OURS}`,
    );
  }
  let metadata: Map<string, string> | null = null;
  const entries: SafetensorsEntry[] = [];
  for (const member of scan.members) {
    if (member.key === METADATA_KEY) metadata = parseMetadata(text, member);
    else entries.push(parseEntry(text, member));
  }
  return { metadata, entries, dataBytes: tiledLength(entries) };
}
