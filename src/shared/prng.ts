/**
 * The run's only source of randomness: xoshiro128** (Blackman & Vigna), a 128-bit state of four
 * uint32 words that a snapshot stores and restores exactly. Seeded through splitmix32 so that
 * nearby seeds give unrelated streams.
 */
export type PrngState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mixes several integers into one 32-bit seed, for streams derived from (seed, epoch, ...). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const next = splitmix32(h ^ (part >>> 0));
    h = next() ^ Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Prng {
  private s: Uint32Array;

  private constructor(state: PrngState) {
    this.s = Uint32Array.from(state);
    // An all-zero state is the one fixed point of xoshiro; the seeding never produces it.
    if (this.s.every((w) => w === 0)) throw new RangeError('PRNG state must not be all zero');
  }

  static fromSeed(seed: number): Prng {
    const next = splitmix32(seed);
    return new Prng([next(), next(), next(), next()]);
  }

  static fromState(state: PrngState): Prng {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError('PRNG state must be four uint32 words');
    }
    return new Prng(state);
  }

  state(): PrngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`bad range ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box-Muller; one value per call keeps the state simple to save). */
  nextNormal(): number {
    const u1 = (this.nextUint32() + 1) / 4294967297; // (0, 1]: log never sees 0
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
