// SHA-256's compression function (FIPS 180-4) over whole 64-byte blocks, in WebAssembly for
// src/shared/sha256-stream.ts. Memory layout (the stream owns the memory and sets it up): the
// state h0..h7 at STATE, the round constants at K, the message schedule at W, the bytes from
// the caller's offset on. WebAssembly has rotate and byte-swap instructions and no bounds checks
// beyond the memory's; V8 ran this at about 1.5 times the JavaScript's speed.
const STATE: usize = 0;
const K: usize = 32;
const W: usize = 288;

/** Hashes the whole blocks of memory [at, end) into the state; returns where the tail starts. */
export function blocks(at: usize, end: usize): usize {
  let h0 = load<i32>(STATE);
  let h1 = load<i32>(STATE + 4);
  let h2 = load<i32>(STATE + 8);
  let h3 = load<i32>(STATE + 12);
  let h4 = load<i32>(STATE + 16);
  let h5 = load<i32>(STATE + 20);
  let h6 = load<i32>(STATE + 24);
  let h7 = load<i32>(STATE + 28);
  let o = at;
  for (; o + 64 <= end; o += 64) {
    // The message is big-endian words; memory loads are little-endian.
    for (let t: usize = 0; t < 16; t++)
      store<i32>(W + (t << 2), bswap<i32>(load<i32>(o + (t << 2))));
    for (let t: usize = 16; t < 64; t++) {
      const x = load<i32>(W + ((t - 15) << 2));
      const y = load<i32>(W + ((t - 2) << 2));
      const s0 = rotr<i32>(x, 7) ^ rotr<i32>(x, 18) ^ (<i32>((<u32>x) >> 3));
      const s1 = rotr<i32>(y, 17) ^ rotr<i32>(y, 19) ^ (<i32>((<u32>y) >> 10));
      store<i32>(
        W + (t << 2),
        load<i32>(W + ((t - 16) << 2)) + s0 + load<i32>(W + ((t - 7) << 2)) + s1,
      );
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t: usize = 0; t < 64; t++) {
      const s1 = rotr<i32>(e, 6) ^ rotr<i32>(e, 11) ^ rotr<i32>(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = h + s1 + ch + load<i32>(K + (t << 2)) + load<i32>(W + (t << 2));
      const s0 = rotr<i32>(a, 2) ^ rotr<i32>(a, 13) ^ rotr<i32>(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + s0 + maj;
    }
    h0 += a;
    h1 += b;
    h2 += c;
    h3 += d;
    h4 += e;
    h5 += f;
    h6 += g;
    h7 += h;
  }
  store<i32>(STATE, h0);
  store<i32>(STATE + 4, h1);
  store<i32>(STATE + 8, h2);
  store<i32>(STATE + 12, h3);
  store<i32>(STATE + 16, h4);
  store<i32>(STATE + 20, h5);
  store<i32>(STATE + 24, h6);
  store<i32>(STATE + 28, h7);
  return o;
}
