import { BPE_BASE_TOKENS } from '../../../src/shared/bpe-settings';
import type { BpeModel } from './bpe-model';

const NONE = 0x7fffffff;

/**
 * BPE on one pre-token, as Hugging Face's BPE model applies it: while some adjacent pair has a
 * merge, merge the pair of lowest rank (the leftmost of equals), then look again. The word's
 * ids end in `ids[0, n)`, n returned; `ids` and `ranks` are scratch of at least the word's
 * length in bytes. Quadratic in the word's length, which the pre-tokenizer bounds.
 */
export function mergeWord(
  model: BpeModel,
  b: Uint8Array,
  from: number,
  to: number,
  ids: Int32Array,
  ranks: Int32Array,
): number {
  let n = to - from;
  for (let k = 0; k < n; k++) ids[k] = b[from + k]!;
  const rankAt = (k: number) => {
    const rank = model.rank(ids[k]!, ids[k + 1]!);
    return rank < 0 ? NONE : rank;
  };
  for (let k = 0; k < n - 1; k++) ranks[k] = rankAt(k);
  while (n > 1) {
    let best = NONE;
    let at = -1;
    for (let k = 0; k < n - 1; k++) {
      if (ranks[k]! < best) {
        best = ranks[k]!;
        at = k;
      }
    }
    if (at < 0) break;
    ids[at] = BPE_BASE_TOKENS + best;
    // Drop the right part: ids after it move left by one, and so do the pairs after it.
    for (let k = at + 1; k < n - 1; k++) ids[k] = ids[k + 1]!;
    for (let k = at + 1; k < n - 2; k++) ranks[k] = ranks[k + 1]!;
    n -= 1;
    if (at > 0) ranks[at - 1] = rankAt(at - 1);
    if (at < n - 1) ranks[at] = rankAt(at);
  }
  return n;
}
