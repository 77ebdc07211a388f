/** Hex SHA-256 through WebCrypto, available in pages, workers and Node 20. */
export async function sha256Hex(data: ArrayBuffer | ArrayBufferView): Promise<string> {
  const view =
    data instanceof ArrayBuffer
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', view as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
