import type { Prng } from '../../src/shared/prng';

/**
 * Draws the next character of one item from its logits, in float64 on the host, so the draw
 * depends only on the logits and the item's own stream. Top-k keeps the k largest logits (ties
 * broken by lower index); temperature divides the logits before the softmax.
 */
export function drawNext(
  logits: ArrayLike<number>,
  offset: number,
  size: number,
  temperature: number,
  topK: number,
  prng: Prng,
): number {
  let kept: number[] = Array.from({ length: size }, (_, i) => i);
  if (topK > 0 && topK < size) {
    kept = kept
      .sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b)
      .slice(0, topK)
      .sort((a, b) => a - b);
  }
  let max = -Infinity;
  for (const i of kept) max = Math.max(max, logits[offset + i]! / temperature);
  const weights = kept.map((i) => Math.exp(logits[offset + i]! / temperature - max));
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
