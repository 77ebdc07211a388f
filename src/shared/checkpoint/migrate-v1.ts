import { formatTag } from './format-version';
import type { Metadata } from './metadata-fields';

/** Format 1's names for keys that format 2 renamed. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['prng', 'rng'],
  ['cursor', 'data_cursor'],
];

function newestValLoss(metricsJson: string | undefined): string {
  try {
    const val = (JSON.parse(metricsJson ?? '') as { val: [number, number | null][] }).val;
    return JSON.stringify(val.length > 0 ? val[val.length - 1][1] : null);
  } catch {
    // A broken metrics value is reported by the format-2 reader, under its own key.
    return 'null';
  }
}

/** Format-1 metadata rewritten as format 2's, so one reader validates both. */
export function migrateMetadataV1(meta: Metadata): Map<string, string> {
  const out = new Map(meta);
  for (const [from, to] of RENAMED) {
    const value = out.get(from);
    out.delete(from);
    if (value !== undefined && !out.has(to)) out.set(to, value);
  }
  // Format 1 did not record training time; 0 keeps steps/s honest from the resume on.
  if (!out.has('training_ms')) out.set('training_ms', '0');
  if (!out.has('val_loss')) out.set('val_loss', newestValLoss(out.get('metrics')));
  out.set('format', formatTag(2));
  return out;
}

/**
 * The value tfjs's Adam holds in accBeta after `iterations` steps: it starts at beta and is
 * multiplied by beta in float32 once per step, so it is rebuilt by the same float32 products,
 * not by pow(), which rounds differently. The product sinks into a subnormal that rounds to
 * itself (or to 0) within ~10^5 steps for beta <= 0.999, so the loop stops there.
 */
export function accumulatedBetaPower(beta: number, iterations: number): number {
  const b = Math.fround(beta);
  let acc = b;
  const steps = Math.min(iterations, 50_000_000);
  for (let i = 0; i < steps; i++) {
    const next = Math.fround(acc * b);
    if (next === acc) break;
    acc = next;
  }
  return acc;
}

export function float32Scalar(value: number): ArrayBuffer {
  const buffer = new ArrayBuffer(4);
  new DataView(buffer).setFloat32(0, value, true);
  return buffer;
}
