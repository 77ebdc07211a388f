/**
 * SHA-256 fed in pieces. WebCrypto's digest takes the whole input at once, and a corpus of
 * gigabytes must never be whole in memory, so its content address is hashed as it streams.
 * FIPS 180-4, checked against WebCrypto (tests/unit/sha256-stream.test.ts).
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const BLOCK = 64;

export class Sha256Stream {
  private readonly h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private readonly w = new Int32Array(64);
  private readonly pending = new Uint8Array(BLOCK);
  private pendingLength = 0;
  private total = 0;
  private done = false;

  update(bytes: Uint8Array): this {
    if (this.done) throw new Error('Sha256Stream.update after digest');
    this.total += bytes.length;
    let i = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(BLOCK - this.pendingLength, bytes.length);
      this.pending.set(bytes.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      i = take;
      if (this.pendingLength < BLOCK) return this;
      hashBlocks(this.h, this.w, this.pending, 0, BLOCK);
      this.pendingLength = 0;
    }
    i = hashBlocks(this.h, this.w, bytes, i, bytes.length);
    this.pending.set(bytes.subarray(i));
    this.pendingLength = bytes.length - i;
    return this;
  }

  /** The hex digest; the stream takes no more bytes after it. */
  hex(): string {
    const bits = this.total * 8;
    const tail = new Uint8Array(this.pendingLength + 1 + 8 <= BLOCK ? BLOCK : 2 * BLOCK);
    tail.set(this.pending.subarray(0, this.pendingLength));
    tail[this.pendingLength] = 0x80;
    const view = new DataView(tail.buffer);
    // The length in bits as a 64-bit big-endian number (a corpus stays far below 2^53 bits).
    view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(tail.length - 4, bits >>> 0);
    hashBlocks(this.h, this.w, tail, 0, tail.length);
    this.done = true;
    return Array.from(this.h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }
}

/**
 * Hashes the whole blocks of `b[at, end)` into `h`; returns where the unhashed tail starts.
 * One call per piece rather than per block, the state in locals across blocks, and plain
 * 32-bit integer arithmetic: V8 keeps it all in registers (twice the speed of a method per
 * block that loaded and stored the state each time; a destructured array per block ran at a
 * tenth of it).
 */
function hashBlocks(h: Int32Array, w: Int32Array, b: Uint8Array, at: number, end: number): number {
  let h0 = h[0]! | 0;
  let h1 = h[1]! | 0;
  let h2 = h[2]! | 0;
  let h3 = h[3]! | 0;
  let h4 = h[4]! | 0;
  let h5 = h[5]! | 0;
  let h6 = h[6]! | 0;
  let h7 = h[7]! | 0;
  let o = at;
  for (; o + BLOCK <= end; o += BLOCK) {
    for (let t = 0, p = o; t < 16; t++, p += 4) {
      w[t] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    let a = h0;
    let bb = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let hh = h7;
    for (let t = 0; t < 64; t++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + K[t]! + w[t]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + s0 + maj) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + hh) | 0;
  }
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
  h[3] = h3;
  h[4] = h4;
  h[5] = h5;
  h[6] = h6;
  h[7] = h7;
  return o;
}
