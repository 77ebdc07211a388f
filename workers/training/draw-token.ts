import type { Prng } from '../../src/shared/prng';
import type { SamplingParams } from '../../src/shared/sampling';

/**
 * Draws the next token of one row from its logits, in float64 on the host, so the draw depends
 * only on the logits and the row's own stream (one `nextFloat()` per draw). Top-k keeps the k
 * largest logits (ties broken by lower index); temperature divides the logits before the
 * softmax; top-p then keeps the fewest likeliest of those whose probability reaches p (ties by
 * lower index). Off (top-k 0, top-p 1), each step is skipped and the draw is exactly the one
 * jobs made before top-p existed.
 */
export function drawNext(
  logits: ArrayLike<number>,
  offset: number,
  size: number,
  params: SamplingParams,
  prng: Prng,
): number {
  const { temperature, topK, topP } = params;
  let kept: number[] = Array.from({ length: size }, (_, i) => i);
  if (topK > 0 && topK < size) {
    kept = kept
      .sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b)
      .slice(0, topK)
      .sort((a, b) => a - b);
  }
  let max = -Infinity;
  for (const i of kept) max = Math.max(max, logits[offset + i]! / temperature);
  let weights = kept.map((i) => Math.exp(logits[offset + i]! / temperature - max));
  if (topP < 1) [kept, weights] = nucleus(kept, weights, topP);
  let total = 0;
  for (const w of weights) total += w;
  const u = prng.nextFloat() * total;
  let acc = 0;
  for (let j = 0; j < kept.length; j++) {
    acc += weights[j]!;
    if (u < acc) return kept[j]!;
  }
  return kept[kept.length - 1]!;
}

/** The smallest set of likeliest tokens whose share of `weights` reaches p, in index order. */
function nucleus(kept: number[], weights: number[], p: number): [number[], number[]] {
  let total = 0;
  for (const w of weights) total += w;
  const order = kept.map((_, j) => j).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const chosen: number[] = [];
  let acc = 0;
  for (const j of order) {
    chosen.push(j);
    acc += weights[j]!;
    if (acc >= p * total) break;
  }
  chosen.sort((a, b) => a - b);
  return [chosen.map((j) => kept[j]!), chosen.map((j) => weights[j]!)];
}
