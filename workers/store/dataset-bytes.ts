import { DatasetError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import { blobsRefused } from './blob-fallback';
import type { DatasetRecord, DatasetText } from './store-schema';

/**
 * A text as it is written to the `datasets` store: its bytes in a Blob, or in an ArrayBuffer of
 * their own where this browser's IndexedDB refuses Blobs (blob-fallback.ts).
 */
export function datasetRecord(text: DatasetText): DatasetRecord {
  const bytes = blobsRefused() ? text.bytes.slice().buffer : new Blob([text.bytes as BlobPart]);
  return { id: text.id, name: text.name, bytes };
}

/**
 * A stored text's bytes, whichever way it was stored (a Blob, an ArrayBuffer where Blobs were
 * refused, or a string before texts were bytes).
 */
export async function datasetText(record: DatasetRecord): Promise<DatasetText> {
  const bytes = !('bytes' in record)
    ? new TextEncoder().encode(record.text)
    : record.bytes instanceof Blob
      ? new Uint8Array(await record.bytes.arrayBuffer())
      : new Uint8Array(record.bytes);
  return { id: record.id, name: record.name, bytes };
}

/** Must reject a text whose id is not the SHA-256 of its bytes. */
export async function checkDataset(text: DatasetText): Promise<void> {
  const hash = await sha256Hex(text.bytes);
  if (hash !== text.id) {
    throw new DatasetError(
      `The stored text of dataset "${text.name}" does not match its id (SHA-256 ${hash.slice(0, 12)}…, expected ${text.id.slice(0, 12)}…). Load the file again.`,
    );
  }
}
