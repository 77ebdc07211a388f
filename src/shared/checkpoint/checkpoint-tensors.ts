import type { RunConfig } from '../config';
import { CheckpointMismatchError } from '../errors';
import { modelSpec } from '../model-spec';
import { EXPORT_AGAIN, formatShape, quoteName } from './refusal-text';
import type { SafetensorsDType } from './safetensors-dtype';
import type { SafetensorsEntry } from './safetensors-header';

export interface ExpectedTensor {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
}

export const ITER_TENSOR = 'optimizer/iter';
export const BETA1_POWER_TENSOR = 'optimizer/beta1_power';
export const BETA2_POWER_TENSOR = 'optimizer/beta2_power';

export interface TensorLayoutOptions {
  /** Adam's m and v per variable; tfjs creates them at the first step, so a fresh run has none. */
  readonly slots: boolean;
  /** Format version 1 had no beta-power tensors. */
  readonly betaPowers: boolean;
}

/** Every tensor a checkpoint of this architecture holds, in the canonical (file) order. */
export function checkpointTensors(
  config: RunConfig,
  vocabSize: number,
  options: TensorLayoutOptions,
): ExpectedTensor[] {
  const vars = modelSpec(config, vocabSize);
  const out: ExpectedTensor[] = vars.map((v) => ({
    name: `model/${v.name}`,
    dtype: 'F32',
    shape: v.shape,
  }));
  if (options.slots) {
    for (const v of vars) {
      out.push({ name: `optimizer/${v.name}/m`, dtype: 'F32', shape: v.shape });
      out.push({ name: `optimizer/${v.name}/v`, dtype: 'F32', shape: v.shape });
    }
  }
  out.push({ name: ITER_TENSOR, dtype: 'I32', shape: [] });
  if (options.betaPowers) {
    out.push({ name: BETA1_POWER_TENSOR, dtype: 'F32', shape: [] });
    out.push({ name: BETA2_POWER_TENSOR, dtype: 'F32', shape: [] });
  }
  return out;
}

function describe(config: RunConfig, vocabSize: number): string {
  const { model, embed, width, layers, context } = config;
  const heads = model === 'mlp' ? '' : `, heads ${config.heads}`;
  const sizes = `embed ${embed}, width ${width}, layers ${layers}${heads}, context ${context}`;
  return `${model} (${sizes}, vocab ${vocabSize})`;
}

function mismatch(problem: string): CheckpointMismatchError {
  return new CheckpointMismatchError(
    `The checkpoint's tensors do not match its own run config: ${problem} The file was edited or ` +
      `written by another program. ${EXPORT_AGAIN}`,
  );
}

/**
 * The file's entries in canonical order, once every expected tensor is present with its dtype
 * and shape and nothing else is there. Refusals name the first wrong tensor in that order.
 */
export function matchTensors(
  entries: readonly SafetensorsEntry[],
  config: RunConfig,
  vocabSize: number,
  iterations: number,
  betaPowers: boolean,
): SafetensorsEntry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  // Slots are all or none; none is only possible before the first step.
  const slots = iterations > 0 || entries.some((e) => /^optimizer\/.+\/[mv]$/.test(e.name));
  const expected = checkpointTensors(config, vocabSize, { slots, betaPowers });
  const arch = describe(config, vocabSize);
  const matched = expected.map((want) => {
    const got = byName.get(want.name);
    if (got === undefined) {
      throw mismatch(`tensor ${quoteName(want.name)} is missing, and a ${arch} needs it.`);
    }
    if (got.dtype !== want.dtype) {
      throw mismatch(`tensor ${quoteName(want.name)} is ${got.dtype}, it must be ${want.dtype}.`);
    }
    if (formatShape(got.shape) !== formatShape(want.shape)) {
      throw mismatch(
        `tensor ${quoteName(want.name)} has shape ${formatShape(got.shape)}, but a ${arch} ` +
          `needs ${formatShape(want.shape)}.`,
      );
    }
    return got;
  });
  const names = new Set(expected.map((e) => e.name));
  const extra = entries.find((e) => !names.has(e.name));
  if (extra !== undefined) {
    throw mismatch(`tensor ${quoteName(extra.name)} is not part of a ${arch}.`);
  }
  return matched;
}
