import { Prng } from '../../src/shared/prng';

/**
 * `bytes` of English prose for the BPE bench: the World English Bible repeated, every copy after
 * the first with its letters permuted by a substitution drawn from xoshiro128**(seed). A plain
 * repeat would give a trainer the same few thousand words however large the corpus; permuted
 * copies multiply the distinct words as a real corpus of that size does (a 100 MB corpus has
 * about 400,000), while keeping the text's word lengths, spacing and punctuation.
 */
export function benchCorpus(source: Uint8Array, bytes: number, seed = 20): Uint8Array {
  const out = new Uint8Array(bytes);
  const prng = Prng.fromSeed(seed);
  const map = new Uint8Array(256);
  for (let at = 0, copy = 0; at < bytes; copy++) {
    for (let b = 0; b < 256; b++) map[b] = b;
    if (copy > 0) {
      const letters = Array.from({ length: 26 }, (_, i) => i);
      for (let i = 25; i > 0; i--) {
        const j = prng.nextInt(i + 1);
        [letters[i], letters[j]] = [letters[j]!, letters[i]!];
      }
      letters.forEach((to, from) => {
        map[0x61 + from] = 0x61 + to;
        map[0x41 + from] = 0x41 + to;
      });
    }
    const n = Math.min(source.length, bytes - at);
    for (let i = 0; i < n; i++) out[at + i] = map[source[i]!]!;
    at += n;
  }
  return out;
}
