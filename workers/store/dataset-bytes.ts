import { DatasetError } from '../../src/shared/errors';
import { sha256Hex } from '../../src/shared/hash';
import type { DatasetRecord, DatasetText } from './store-schema';

/** A text as it is written to the `datasets` store: its bytes in a Blob. */
export function datasetRecord(text: DatasetText): DatasetRecord {
  return { id: text.id, name: text.name, bytes: new Blob([text.bytes as BlobPart]) };
}

/** A stored text's bytes, whichever way it was stored (a Blob, or a string before bytes). */
export async function datasetText(record: DatasetRecord): Promise<DatasetText> {
  const bytes =
    'bytes' in record
      ? new Uint8Array(await record.bytes.arrayBuffer())
      : new TextEncoder().encode(record.text);
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
