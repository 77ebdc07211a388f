import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bytesOf,
  createRun,
  DATASET,
  DATASET_TEXT,
  freshStore,
  makePayload,
} from './store-fixtures';

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * IndexedDB as WebKit has it in an ephemeral data store (Safari's private windows, WebKitGTK
 * under WebDriver): a Blob value is refused with this UnknownError; an ArrayBuffer is stored.
 */
function refuseBlobs(): { refused: () => number } {
  let refused = 0;
  const put = IDBObjectStore.prototype.put;
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    value: unknown,
    key?: IDBValidKey,
  ) {
    const row = value as { data?: unknown; bytes?: unknown } | null;
    if (row?.data instanceof Blob || row?.bytes instanceof Blob) {
      refused++;
      throw new DOMException(
        'Error preparing Blob/File data to be stored in object store',
        'UnknownError',
      );
    }
    return put.call(this, value, key);
  });
  return { refused: () => refused };
}

describe('an IndexedDB that refuses Blobs', () => {
  it("gets the same bytes as ArrayBuffers, the run's text too: the commit succeeds and loads back bitwise", async () => {
    const webkit = refuseBlobs();
    const { store, raw } = await freshStore();
    const first = await createRun(store, 'r1', 0);
    expect(webkit.refused()).toBe(1);
    const loaded = await store.loadSnapshot(first.manifest.id);
    expect(loaded.data.map(bytesOf)).toEqual(first.data.map(bytesOf));
    const rows = await raw.getAll('tensors');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.data instanceof ArrayBuffer)).toBe(true);
    // The run's text, written with its first snapshot, is bytes in an ArrayBuffer too.
    const [text] = await raw.getAll('datasets');
    expect(text !== undefined && 'bytes' in text && text.bytes instanceof ArrayBuffer).toBe(true);
    const stored = await store.getDataset(DATASET.id);
    expect(new TextDecoder().decode(stored?.bytes)).toBe(DATASET_TEXT);

    // Learned once: later commits store ArrayBuffers from the start, with no refused attempt.
    const second = await makePayload('r1', 5);
    await store.commitSnapshot(second);
    expect(webkit.refused()).toBe(1);
    const again = await store.loadSnapshot(second.manifest.id);
    expect(again.data.map(bytesOf)).toEqual(second.data.map(bytesOf));
  });
});
