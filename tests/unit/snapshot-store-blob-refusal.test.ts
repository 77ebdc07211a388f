import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesOf, createRun, freshStore, makePayload } from './store-fixtures';

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
    if ((value as { data?: unknown } | null)?.data instanceof Blob) {
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
  it('gets the same bytes as ArrayBuffers: the commit succeeds and loads back bitwise', async () => {
    const webkit = refuseBlobs();
    const { store, raw } = await freshStore();
    const first = await createRun(store, 'r1', 0);
    expect(webkit.refused()).toBe(1);
    const loaded = await store.loadSnapshot(first.manifest.id);
    expect(loaded.data.map(bytesOf)).toEqual(first.data.map(bytesOf));
    const rows = await raw.getAll('tensors');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.data instanceof ArrayBuffer)).toBe(true);

    // Learned once: later commits store ArrayBuffers from the start, with no refused attempt.
    const second = await makePayload('r1', 5);
    await store.commitSnapshot(second);
    expect(webkit.refused()).toBe(1);
    const again = await store.loadSnapshot(second.manifest.id);
    expect(again.data.map(bytesOf)).toEqual(second.data.map(bytesOf));
  });
});
