import { decodeCheckpoint, encodeCheckpoint, toSnapshotPayload } from '../../src/shared/checkpoint';
import { SnapshotCorruptError } from '../../src/shared/errors';
import type { RunRecord, SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';
import type { DatasetRecord } from './store-schema';

/**
 * One run's newest good snapshot as a single file: a small header, the training text (for a
 * user's file; null for the bundled one the app always has) and the app's own safetensors
 * checkpoint, which carries every tensor with its hash and everything needed to resume.
 *
 *   "TTMIRROR" | u32 LE header length | header JSON | text (UTF-8) | checkpoint
 */
export interface MirrorRecord {
  readonly run: RunRecord;
  readonly dataset: DatasetRecord | null;
  readonly payload: SnapshotPayload<TensorBytes>;
}

const MAGIC = 'TTMIRROR';
const FORMAT = 1;

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

export function runIdOfMirror(name: string): string | null {
  const match = /^([0-9A-Za-z-]+)\.ttmirror$/.exec(name);
  return match ? match[1]! : null;
}

export function encodeMirror(record: MirrorRecord): Blob {
  const { run, dataset, payload } = record;
  const checkpoint = encodeCheckpoint(payload, run.name);
  const text = dataset === null ? new Uint8Array() : new TextEncoder().encode(dataset.text);
  const header: Header = {
    format: FORMAT,
    run: { ...run, latestSnapshotId: payload.manifest.id },
    snapshot: {
      id: payload.manifest.id,
      trigger: payload.manifest.trigger,
      pinned: payload.manifest.pinned,
    },
    dataset: dataset === null ? null : { id: dataset.id, name: dataset.name, bytes: text.length },
    checkpointBytes: checkpoint.size,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.length, true);
  return new Blob([MAGIC, length, json, text, checkpoint]);
}

function corrupt(why: string): SnapshotCorruptError {
  return new SnapshotCorruptError(
    `The second copy of a run is unreadable (${why}); it is ignored.`,
  );
}

/**
 * Reads a mirror file back; every tensor is checked against its hash by the checkpoint reader.
 * Must throw, never return, for a file that is short, foreign or damaged.
 */
export async function decodeMirror(file: Blob): Promise<MirrorRecord> {
  if (file.size < 12) throw corrupt('too short');
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  if (new TextDecoder().decode(head.subarray(0, 8)) !== MAGIC) throw corrupt('not a mirror file');
  const jsonLength = new DataView(head.buffer).getUint32(8, true);
  if (12 + jsonLength > file.size) throw corrupt('truncated header');
  let header: Header;
  try {
    header = JSON.parse(await file.slice(12, 12 + jsonLength).text()) as Header;
  } catch {
    throw corrupt('bad header');
  }
  if (header.format !== FORMAT) throw corrupt(`format ${String(header.format)}`);
  const textStart = 12 + jsonLength;
  const textBytes = header.dataset?.bytes ?? 0;
  const checkpointStart = textStart + textBytes;
  if (checkpointStart + header.checkpointBytes !== file.size) throw corrupt('wrong length');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(
    await file.slice(textStart, checkpointStart).arrayBuffer(),
  );
  const decoded = await decodeCheckpoint(file.slice(checkpointStart));
  const payload = toSnapshotPayload(decoded, {
    id: header.snapshot.id,
    runId: header.run.id,
    trigger: header.snapshot.trigger as SnapshotPayload['manifest']['trigger'],
    pinned: header.snapshot.pinned,
  });
  const dataset =
    header.dataset === null ? null : { id: header.dataset.id, name: header.dataset.name, text };
  return { run: header.run, dataset, payload };
}
