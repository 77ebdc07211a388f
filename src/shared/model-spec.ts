import type { RunConfig } from './config';

/**
 * The variables a model of a given config owns, by logical name, in the fixed order the
 * optimizer sees them. The worker builds its tf.Variables from this list and an importer checks
 * a checkpoint file against it, so both sides agree on the architecture without tfjs here.
 */
export interface VariableSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** How the variable starts: normal with this std, zeros or ones. */
  readonly init:
    { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'zeros' | 'ones' };
}

function dense(
  prefix: string,
  fanIn: number,
  fanOut: number,
  std = 1 / Math.sqrt(fanIn),
): VariableSpec[] {
  return [
    { name: `${prefix}/kernel`, shape: [fanIn, fanOut], init: { kind: 'normal', std } },
    { name: `${prefix}/bias`, shape: [fanOut], init: { kind: 'zeros' } },
  ];
}

function layerNorm(prefix: string, size: number): VariableSpec[] {
  return [
    { name: `${prefix}/gamma`, shape: [size], init: { kind: 'ones' } },
    { name: `${prefix}/beta`, shape: [size], init: { kind: 'zeros' } },
  ];
}

export function modelSpec(config: RunConfig, vocabSize: number): VariableSpec[] {
  const { embed: e, width: w, layers, context: t } = config;
  // A small output layer keeps the first loss near ln(vocab), so training starts calm.
  const outStd = 0.1 / Math.sqrt(config.model === 'mlp' ? w : e);
  if (config.model === 'mlp') {
    const specs: VariableSpec[] = [
      { name: 'emb', shape: [vocabSize, e], init: { kind: 'normal', std: 1 } },
    ];
    for (let i = 0; i < layers; i++) specs.push(...dense(`hidden${i}`, i === 0 ? t * e : w, w));
    specs.push(...dense('out', w, vocabSize, outStd));
    return specs;
  }
  const specs: VariableSpec[] = [
    { name: 'tok_emb', shape: [vocabSize, e], init: { kind: 'normal', std: 0.1 } },
    { name: 'pos_emb', shape: [t, e], init: { kind: 'normal', std: 0.1 } },
  ];
  const residualStd = 0.02 / Math.sqrt(2 * layers);
  for (let i = 0; i < layers; i++) {
    const b = `block${i}`;
    specs.push(
      ...layerNorm(`${b}/ln1`, e),
      ...dense(`${b}/attn/qkv`, e, 3 * e),
      ...dense(`${b}/attn/proj`, e, e, residualStd),
      ...layerNorm(`${b}/ln2`, e),
      ...dense(`${b}/mlp/fc`, e, w),
      ...dense(`${b}/mlp/proj`, w, e, residualStd),
    );
  }
  specs.push(...layerNorm('ln_f', e), ...dense('head', e, vocabSize, outStd));
  return specs;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes of weights plus Adam's two slots, all float32. */
export function stateBytes(config: RunConfig, vocabSize: number): number {
  return modelSpec(config, vocabSize).reduce((sum, v) => sum + elementCount(v.shape) * 4 * 3, 0);
}
