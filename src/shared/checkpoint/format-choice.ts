import { LEGACY_TEXT_MODEL, type RunConfig, type TextModelKey } from '../config';

const TEXT_MODEL_KEYS = Object.keys(LEGACY_TEXT_MODEL) as TextModelKey[];

/**
 * The version a run's checkpoint is written in: 3 when format 3 describes it completely (an mlp
 * or transformer on characters, one example per line, plain Adam with the old betas: every
 * key of issue 18 at its legacy value), else 4. Readers of format 3 (older builds of the app
 * and of python/tabtrainer, which now writes the same choice: format_choice.py) keep reading
 * every file that they can continue exactly, and refuse the others by their version.
 */
export function formatVersionFor(config: RunConfig): 3 | 4 {
  const legacy = TEXT_MODEL_KEYS.every((key) => config[key] === LEGACY_TEXT_MODEL[key]);
  return config.model !== 'gpt' && legacy ? 3 : 4;
}

/** A config as format 3 writes it: without the keys it does not have, in its key order. */
export function format3Config(config: RunConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of TEXT_MODEL_KEYS) delete out[key];
  return out;
}
