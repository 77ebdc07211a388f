import type { DataCursor } from '../data-cursor';
import { CheckpointFormatError } from '../errors';
import type { PrngState } from '../prng';
import type { SkipWindow } from '../data-cursor';
import type {
  CorpusRef,
  DatasetInfo,
  GuardState,
  Metrics,
  OptimizerInfo,
  RewindRecord,
} from '../snapshot';
import { EXPORT_AGAIN } from './refusal-text';

/** Typed readers of `__metadata__` values; each refusal names the key that is wrong. */
export type Metadata = ReadonlyMap<string, string>;

export function badField(key: string, problem: string): CheckpointFormatError {
  return new CheckpointFormatError(
    `The checkpoint's metadata "${key}" ${problem}. ${EXPORT_AGAIN}`,
  );
}

export function metaText(meta: Metadata, key: string): string {
  const value = meta.get(key);
  if (value === undefined) throw badField(key, 'is missing');
  return value;
}

export function metaJson(meta: Metadata, key: string): unknown {
  try {
    return JSON.parse(metaText(meta, key));
  } catch (err) {
    if (err instanceof CheckpointFormatError) throw err;
    throw badField(key, 'is not valid JSON');
  }
}

export function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function metaCount(meta: Metadata, key: string): number {
  const value = metaJson(meta, key);
  if (!isCount(value)) throw badField(key, 'must be a whole number of at least 0');
  return value;
}

export function metaCursor(meta: Metadata, key: string): DataCursor {
  const v = metaJson(meta, key);
  if (!isRecord(v) || !isCount(v['epoch']) || !isCount(v['index'])) {
    throw badField(key, 'must be {"epoch", "index"} with whole numbers');
  }
  return { epoch: v['epoch'], index: v['index'] };
}

export function metaPrng(meta: Metadata, key: string): PrngState {
  const v = metaJson(meta, key);
  const words = Array.isArray(v) && v.length === 4 && v.every((w) => isCount(w) && w <= 0xffffffff);
  if (!words || (v as number[]).every((w) => w === 0)) {
    throw badField(key, 'must be four uint32 words, not all zero');
  }
  const [a, b, c, d] = v as number[];
  return [a, b, c, d];
}

export function metaOptimizer(meta: Metadata, key: string): OptimizerInfo {
  const v = metaJson(meta, key);
  const c = isRecord(v) ? v['config'] : undefined;
  // AdamW (format 4) is Adam's state with a decoupled weight decay above 0.
  const adamW = isRecord(v) && v['className'] === 'AdamW';
  const decay = isRecord(c) ? c['weightDecay'] : undefined;
  if (
    !isRecord(v) ||
    (v['className'] !== 'Adam' && !adamW) ||
    !isCount(v['iterations']) ||
    !isRecord(c) ||
    !isFiniteNumber(c['learningRate']) ||
    !isFiniteNumber(c['epsilon']) ||
    ![c['beta1'], c['beta2']].every((b) => isFiniteNumber(b) && b >= 0 && b < 1) ||
    (adamW ? !isFiniteNumber(decay) || decay <= 0 : decay !== undefined)
  ) {
    throw badField(
      key,
      'must describe an Adam optimizer (learningRate, beta1, beta2, epsilon) or AdamW (and weightDecay above 0)',
    );
  }
  const config = {
    learningRate: c['learningRate'],
    beta1: c['beta1'] as number,
    beta2: c['beta2'] as number,
    epsilon: c['epsilon'],
  };
  return adamW
    ? {
        className: 'AdamW',
        config: { ...config, weightDecay: decay as number },
        iterations: v['iterations'],
      }
    : { className: 'Adam', config, iterations: v['iterations'] };
}

/** JSON has no NaN: a diverged loss is written as null and read back as NaN. */
function lossRows(rows: unknown): [number, number][] | null {
  if (!Array.isArray(rows)) return null;
  const out: [number, number][] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== 2 || !isCount(row[0])) return null;
    if (row[1] !== null && typeof row[1] !== 'number') return null;
    out.push([row[0], row[1] ?? NaN]);
  }
  return out;
}

export function metaMetrics(meta: Metadata, key: string): Metrics {
  const v = metaJson(meta, key);
  const train = isRecord(v) ? lossRows(v['train']) : null;
  const val = isRecord(v) ? lossRows(v['val']) : null;
  // Format 3 adds the gradient norms; a file without them has none recorded.
  const norms = isRecord(v) && v['gradNorm'] !== undefined ? lossRows(v['gradNorm']) : undefined;
  if (train === null || val === null || norms === null) {
    throw badField(
      key,
      'must be {"train", "val"} (and "gradNorm"), each a list of [step, value] rows',
    );
  }
  return norms === undefined ? { train, val } : { train, val, gradNorm: norms };
}

function skipWindow(v: unknown): SkipWindow | null {
  if (!isRecord(v) || !isCount(v['fromBatch']) || !isCount(v['toBatch'])) return null;
  return { fromBatch: v['fromBatch'], toBatch: v['toBatch'] };
}

/** A number that JSON may have written as null (NaN, ±Infinity). */
function maybeNumber(v: unknown): number | null {
  if (v === null) return NaN;
  return typeof v === 'number' ? v : null;
}

function rewindRecord(v: unknown): RewindRecord | null {
  if (!isRecord(v)) return null;
  const skipped = skipWindow(v['skipped']);
  const loss = maybeNumber(v['loss']);
  const gradNorm = maybeNumber(v['gradNorm']);
  const mean = v['mean'];
  const reason = v['reason'];
  if (
    skipped === null ||
    loss === null ||
    gradNorm === null ||
    (mean !== null && !isFiniteNumber(mean)) ||
    (reason !== 'non-finite' && reason !== 'loss-ratio') ||
    !isCount(v['spikeStep']) ||
    !isCount(v['toStep']) ||
    typeof v['toSnapshotId'] !== 'string' ||
    !isFiniteNumber(v['lrScale'])
  ) {
    return null;
  }
  return {
    spikeStep: v['spikeStep'],
    reason,
    loss,
    gradNorm,
    mean: mean as number | null,
    toSnapshotId: v['toSnapshotId'],
    toStep: v['toStep'],
    skipped,
    lrScale: v['lrScale'],
  };
}

export function metaGuard(meta: Metadata, key: string): GuardState {
  const v = metaJson(meta, key);
  const skips = isRecord(v) && Array.isArray(v['skips']) ? v['skips'].map(skipWindow) : null;
  const rewinds =
    isRecord(v) && Array.isArray(v['rewinds']) ? v['rewinds'].map(rewindRecord) : null;
  const lrScale = isRecord(v) ? v['lrScale'] : undefined;
  if (
    skips === null ||
    rewinds === null ||
    skips.includes(null) ||
    rewinds.includes(null) ||
    !isFiniteNumber(lrScale) ||
    lrScale <= 0
  ) {
    throw badField(key, 'must be {"skips", "rewinds", "lrScale"} as this app writes them');
  }
  return { skips: skips as SkipWindow[], rewinds: rewinds as RewindRecord[], lrScale };
}

/**
 * The dataset, whose alphabet has at least `minVocab` UTF-16 units: 2 for characters one
 * example per line (the boundary and a character), 1 for characters of prose, 0 (it is empty)
 * for byte tokens.
 */
export function metaDataset(meta: Metadata, key: string, minVocab = 2): DatasetInfo {
  const v = metaJson(meta, key);
  if (
    !isRecord(v) ||
    typeof v['id'] !== 'string' ||
    !/^[0-9a-f]{64}$/.test(v['id']) ||
    typeof v['name'] !== 'string' ||
    typeof v['vocab'] !== 'string' ||
    v['vocab'].length < minVocab ||
    (minVocab === 0 && v['vocab'] !== '') ||
    !isCount(v['trainExamples']) ||
    !isCount(v['valExamples']) ||
    !(v['tokenizer'] === undefined || typeof v['tokenizer'] === 'string') ||
    !(v['corpus'] === undefined || isCorpusRef(v['corpus']))
  ) {
    throw badField(
      key,
      'must describe the dataset (id, name, vocab, trainExamples, valExamples, tokenizer and corpus if any)',
    );
  }
  return {
    id: v['id'],
    name: v['name'],
    vocab: v['vocab'],
    trainExamples: v['trainExamples'],
    valExamples: v['valExamples'],
    ...(typeof v['tokenizer'] === 'string' ? { tokenizer: v['tokenizer'] } : {}),
    ...(isCorpusRef(v['corpus'])
      ? { corpus: { address: v['corpus'].address, bytes: v['corpus'].bytes } }
      : {}),
  };
}

/** A run on token shards names its corpus: a content address (hex SHA-256) and the text's size. */
function isCorpusRef(v: unknown): v is CorpusRef {
  return (
    isRecord(v) &&
    typeof v['address'] === 'string' &&
    /^[0-9a-f]{64}$/.test(v['address']) &&
    isCount(v['bytes'])
  );
}

export function metaSha256(meta: Metadata, key: string): ReadonlyMap<string, string> {
  const v = metaJson(meta, key);
  const entries = isRecord(v) ? Object.entries(v) : [];
  if (
    !isRecord(v) ||
    !entries.every(([, h]) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
  ) {
    throw badField(key, 'must map each tensor name to a lowercase hex SHA-256');
  }
  return new Map(entries as [string, string][]);
}
