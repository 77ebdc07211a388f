import { decodeCheckpoint, encodeCheckpoint, toSnapshotPayload } from '../../src/shared/checkpoint';
import { SnapshotCorruptError } from '../../src/shared/errors';
import type { RunRecord, SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';
import type { DatasetText } from './store-schema';

/**
 * One run's newest good snapshot as a single file: a small header and the app's own
 * safetensors checkpoint, which carries every tensor with its hash and everything needed to
 * resume. The training text is a file of its own (`<dataset id>.tttext`, its bytes as they are),
 * written once however many snapshots follow: a prose text is up to 256 MB, and the run's file
 * is replaced after every commit.
 *
 *   format 2: "TTMIRROR" | u32 LE header length | header JSON | checkpoint
 *   format 1 (read only): … | header JSON | text (UTF-8) | checkpoint
 */
export interface MirrorRecord {
  readonly run: RunRecord;
  readonly dataset: DatasetText | null;
  readonly payload: SnapshotPayload<TensorBytes>;
}

const MAGIC = 'TTMIRROR';
const FORMAT = 2;
const EMBEDDED_TEXT_FORMAT = 1;

interface Header {
  readonly format: number;
  readonly run: RunRecord;
  readonly snapshot: { readonly id: string; readonly trigger: string; readonly pinned: boolean };
  readonly dataset: { readonly id: string; readonly name: string; readonly bytes: number } | null;
  readonly checkpointBytes: number;
}

export function mirrorFileName(runId: string): string {
  return `${runId}.ttmirror`;
}

/** The file holding a training text's bytes, named by its SHA-256. */
export function mirrorTextName(datasetId: string): string {
  return `${datasetId}.tttext`;
}

export function runIdOfMirror(name: string): string | null {
  const match = /^([0-9A-Za-z-]+)\.ttmirror$/.exec(name);
  return match ? match[1]! : null;
}

/** What a run's file says of its text, which is a file of its own. */
export interface MirrorText {
  readonly id: string;
  readonly name: string;
  readonly size: number;
}

/** The run's file; its text goes to `mirrorTextName` separately (SnapshotMirror.write). */
export function encodeMirror(
  record: Omit<MirrorRecord, 'dataset'>,
  dataset: MirrorText | null,
): Blob {
  const { run, payload } = record;
  const checkpoint = encodeCheckpoint(payload, run.name);
  const header: Header = {
    format: FORMAT,
    run: { ...run, latestSnapshotId: payload.manifest.id },
    snapshot: {
      id: payload.manifest.id,
      trigger: payload.manifest.trigger,
      pinned: payload.manifest.pinned,
    },
    dataset: dataset === null ? null : { id: dataset.id, name: dataset.name, bytes: dataset.size },
    checkpointBytes: checkpoint.size,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.length, true);
  return new Blob([MAGIC, length, json, checkpoint]);
}

export function corruptMirror(why: string): SnapshotCorruptError {
  return new SnapshotCorruptError(
    `The second copy of a run is unreadable (${why}); it is ignored.`,
  );
}

/** Reads the text of a format-2 run file from its own file (null: that file is missing). */
export type ReadText = (name: string) => Promise<Blob | null>;

/**
 * Reads a mirror file back; every tensor is checked against its hash by the checkpoint reader
 * (the text's hash is the store's to check). Must throw, never return, for a file that is
 * short, foreign or damaged, or whose text file is missing or of the wrong length.
 */
export async function decodeMirror(file: Blob, readText: ReadText): Promise<MirrorRecord> {
  if (file.size < 12) throw corruptMirror('too short');
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) {
    throw corruptMirror('not a mirror file');
  }
  const jsonLength = new DataView(head.buffer).getUint32(8, true);
  if (12 + jsonLength > file.size) throw corruptMirror('truncated header');
  let header: Header;
  try {
    header = JSON.parse(await file.slice(12, 12 + jsonLength).text()) as Header;
  } catch {
    throw corruptMirror('bad header');
  }
  if (header.format !== FORMAT && header.format !== EMBEDDED_TEXT_FORMAT) {
    throw corruptMirror(`format ${String(header.format)}`);
  }
  const textStart = 12 + jsonLength;
  const embedded = header.format === EMBEDDED_TEXT_FORMAT ? (header.dataset?.bytes ?? 0) : 0;
  const checkpointStart = textStart + embedded;
  if (checkpointStart + header.checkpointBytes !== file.size) throw corruptMirror('wrong length');
  let text: Blob | null = null;
  if (header.dataset !== null) {
    text =
      header.format === EMBEDDED_TEXT_FORMAT
        ? file.slice(textStart, checkpointStart)
        : await readText(mirrorTextName(header.dataset.id));
    if (text === null) throw corruptMirror('its training text is missing');
    if (text.size !== header.dataset.bytes) throw corruptMirror('its training text is cut short');
  }
  const decoded = await decodeCheckpoint(file.slice(checkpointStart));
  const payload = toSnapshotPayload(decoded, {
    id: header.snapshot.id,
    runId: header.run.id,
    trigger: header.snapshot.trigger as SnapshotPayload['manifest']['trigger'],
    pinned: header.snapshot.pinned,
  });
  const dataset =
    header.dataset === null || text === null
      ? null
      : {
          id: header.dataset.id,
          name: header.dataset.name,
          bytes: new Uint8Array(await text.arrayBuffer()),
        };
  return { run: header.run, dataset, payload };
}
