import { SHA256_BLOCKS_WASM_BASE64 } from './sha256-blocks-wasm';

/**
 * SHA-256 fed in pieces. WebCrypto's digest takes the whole input at once, and a corpus of
 * gigabytes must never be whole in memory, so its content address is hashed as it streams.
 * The compression function is WebAssembly (assembly/sha256-blocks.ts, `npm run sha256-wasm`):
 * its rotate and byte-swap instructions made it about 1.5 times the speed of the JavaScript it
 * replaced (242–258 against 158–161 MB/s, best CPU time of 8 rounds in Node), and this hash is
 * most of a corpus's first pass. FIPS 180-4, checked against node:crypto
 * (tests/unit/corpus-splitter.test.ts).
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

const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const BLOCK = 64;
// The module's memory (assembly/sha256-blocks.ts): state at 0, K at 32, the schedule at 288,
// then the bytes being hashed, copied in up to DATA_BYTES at a time.
const K_AT = 32;
const DATA_AT = 1024;
const DATA_BYTES = 64 * 1024;
const PAGES = 2;

interface BlocksExports {
  blocks(at: number, end: number): number;
}

let compiled: WebAssembly.Module | null = null;

/** Compiled once; 609 bytes, so a synchronous compile is allowed on any thread. */
function blocksModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    Uint8Array.from(atob(SHA256_BLOCKS_WASM_BASE64), (c) => c.charCodeAt(0)),
  );
  return compiled;
}

export class Sha256Stream {
  private readonly memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
  private readonly bytes = new Uint8Array(this.memory.buffer);
  private readonly blocks: BlocksExports['blocks'];
  /** Bytes at DATA_AT not yet hashed (fewer than a block between calls). */
  private pendingLength = 0;
  private total = 0;
  private done = false;

  constructor() {
    const instance = new WebAssembly.Instance(blocksModule(), { env: { memory: this.memory } });
    this.blocks = (instance.exports as unknown as BlocksExports).blocks;
    const words = new Int32Array(this.memory.buffer);
    words.set(INITIAL, 0);
    words.set(K, K_AT / 4);
  }

  update(bytes: Uint8Array): this {
    if (this.done) throw new Error('Sha256Stream.update after digest');
    this.total += bytes.length;
    for (let i = 0; i < bytes.length;) {
      const take = Math.min(DATA_BYTES - this.pendingLength, bytes.length - i);
      this.bytes.set(bytes.subarray(i, i + take), DATA_AT + this.pendingLength);
      i += take;
      this.hashPending(this.pendingLength + take);
    }
    return this;
  }

  /** The hex digest; the stream takes no more bytes after it. */
  hex(): string {
    if (this.done) throw new Error('Sha256Stream.hex twice');
    const bits = this.total * 8;
    const length = this.pendingLength + 1 + 8 <= BLOCK ? BLOCK : 2 * BLOCK;
    const tail = new Uint8Array(length - this.pendingLength);
    tail[0] = 0x80;
    const view = new DataView(tail.buffer);
    // The length in bits as a 64-bit big-endian number (a corpus stays far below 2^53 bits).
    view.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(tail.length - 4, bits >>> 0);
    this.bytes.set(tail, DATA_AT + this.pendingLength);
    this.hashPending(length);
    this.done = true;
    const h = new Int32Array(this.memory.buffer, 0, 8);
    return Array.from(h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }

  /** Hashes the whole blocks of the `length` bytes at DATA_AT and moves the tail to the front. */
  private hashPending(length: number): void {
    const end = DATA_AT + length;
    const tail = this.blocks(DATA_AT, end);
    this.bytes.copyWithin(DATA_AT, tail, end);
    this.pendingLength = end - tail;
  }
}
