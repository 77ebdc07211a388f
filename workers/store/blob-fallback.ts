import type { SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';

// WebKit's IndexedDB cannot store a Blob in an ephemeral data store (Safari's private windows,
// WebKitGTK under WebDriver): the put fails with UnknownError "Error preparing Blob/File data
// to be stored in object store". The same bytes stored as an ArrayBuffer commit, and every
// reader takes either (store-schema.ts), so such a browser gets ArrayBuffer rows instead.

let refused = false;

/** Whether a failed commit failed because this browser's IndexedDB refuses Blobs. */
export function isBlobRefusal(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  return name === 'UnknownError' && typeof message === 'string' && /Blob\/File data/.test(message);
}

/** Remembers, for this worker's life, that IndexedDB here refuses Blobs. */
export function noteBlobRefusal(): void {
  refused = true;
}

/** Whether commits must hand IndexedDB ArrayBuffers rather than Blobs. */
export function blobsRefused(): boolean {
  return refused;
}

/** The payload with every Blob read into an ArrayBuffer (the same bytes, in the same order). */
export async function withoutBlobs(
  payload: SnapshotPayload<TensorBytes>,
): Promise<SnapshotPayload<TensorBytes>> {
  if (!payload.data.some((d) => d instanceof Blob)) return payload;
  const data = await Promise.all(
    payload.data.map((d) => (d instanceof Blob ? d.arrayBuffer() : d)),
  );
  return { ...payload, data };
}
