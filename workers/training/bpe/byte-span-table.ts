/**
 * A hash table from short byte strings to dense entry numbers (0, 1, 2, … in order of first
 * insertion): the trainer's word counts and the encoder's cache. Keys are copied into one
 * growing byte arena and looked up by a span of the caller's buffer, so counting or encoding a
 * word makes no string and no object. Open addressing, linear probing, FNV-1a hashes.
 */
export class ByteSpanTable {
  private slots: Int32Array; // entry + 1; 0 is empty
  private hashes = new Int32Array(1024);
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  private keys = new Uint8Array(1 << 16);
  private keyBytes = 0;
  private count = 0;

  /** `expected`: entries expected, so a table built to a known size never rehashes. */
  constructor(expected = 2048) {
    let size = 16;
    while (size < 2 * expected) size *= 2;
    this.slots = new Int32Array(size);
  }

  /** Entries so far. */
  get size(): number {
    return this.count;
  }

  /** Bytes of key text held. */
  get heldBytes(): number {
    return this.keyBytes;
  }

  /** The entry of b[from, to), or -1. */
  find(b: Uint8Array, from: number, to: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) return -1;
      if (this.hashes[slot - 1] === hash && this.equals(slot - 1, b, from, to)) return slot - 1;
    }
  }

  /** The entry of b[from, to), added (as the next number) if absent. */
  intern(b: Uint8Array, from: number, to: number, hash: number): number {
    const mask = this.slots.length - 1;
    let s = hash & mask;
    for (; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) break;
      if (this.hashes[slot - 1] === hash && this.equals(slot - 1, b, from, to)) return slot - 1;
    }
    const entry = this.append(b, from, to, hash);
    this.slots[s] = entry + 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return entry;
  }

  /** The key of an entry (a view into the table: copy it to keep it past a clear). */
  key(entry: number): Uint8Array {
    const start = this.starts[entry]!;
    return this.keys.subarray(start, start + this.lengths[entry]!);
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
    this.keyBytes = 0;
  }

  private equals(entry: number, b: Uint8Array, from: number, to: number): boolean {
    const length = to - from;
    if (this.lengths[entry] !== length) return false;
    const keys = this.keys;
    const start = this.starts[entry]!;
    for (let k = 0; k < length; k++) if (keys[start + k] !== b[from + k]) return false;
    return true;
  }

  private append(b: Uint8Array, from: number, to: number, hash: number): number {
    const entry = this.count++;
    if (entry === this.hashes.length) {
      this.hashes = grow(this.hashes, entry * 2);
      this.starts = grow(this.starts, entry * 2);
      this.lengths = grow(this.lengths, entry * 2);
    }
    const length = to - from;
    if (this.keyBytes + length > this.keys.length) {
      const keys = new Uint8Array(Math.max(this.keys.length * 2, this.keyBytes + length));
      keys.set(this.keys.subarray(0, this.keyBytes));
      this.keys = keys;
    }
    this.keys.set(b.subarray(from, to), this.keyBytes);
    this.hashes[entry] = hash;
    this.starts[entry] = this.keyBytes;
    this.lengths[entry] = length;
    this.keyBytes += length;
    return entry;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let s = this.hashes[entry]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = entry + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a over b[from, to), as a signed 32-bit integer. */
export function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let k = from; k < to; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return h;
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}
