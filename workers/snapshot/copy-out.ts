import { sha256Hex } from '../../src/shared/hash';

/** One tensor's bytes, out of the backend and out of the JS heap: in a Blob, being hashed. */
export interface Copied {
  readonly blob: Blob;
  /** The SHA-256 of the same bytes (the digest may still be running). */
  readonly sha256: Promise<string>;
}

/**
 * Moves `bytes` into a Blob and starts their digest. Both take a copy of their own before this
 * returns (the Blob constructor and WebCrypto's digest() copy their input synchronously, by
 * specification), so the caller may overwrite `bytes` at once: a staging buffer is reused
 * tensor after tensor, and neither copy is JS heap.
 */
export function copyOut(bytes: Uint8Array<ArrayBuffer>): Copied {
  return { sha256: sha256Hex(bytes), blob: new Blob([bytes]) };
}

let cached: WeakRef<ArrayBuffer> | null = null;

/**
 * A staging buffer of at least `byteLength` bytes. The last one is reused while it is still
 * alive: it is held only weakly, so a collection between two snapshots frees it, and snapshots
 * back to back do not each leave a largest-tensor-sized buffer of garbage behind. Only
 * synchronous code may use it: whoever asks next gets the same buffer.
 */
export function stagingBuffer(byteLength: number): Uint8Array<ArrayBuffer> {
  const last = cached?.deref();
  if (last !== undefined && last.byteLength >= byteLength) return new Uint8Array(last);
  const buffer = new ArrayBuffer(byteLength);
  cached = new WeakRef(buffer);
  return new Uint8Array(buffer);
}
