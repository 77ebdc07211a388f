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

/** nanoGPT's and GPT-2's initial standard deviation of every matrix and embedding. */
const GPT_STD = 0.02;

/**
 * gpt: token and learned position embeddings, pre-LN blocks (scale and bias), causal attention
 * and a GELU MLP with biases, a final LN, and an output layer that is the token embedding
 * (tie = 1) or its own bias-free matrix. Initialisation as nanoGPT's: N(0, 0.02), residual
 * projections N(0, 0.02 / √(2 · layers)), biases 0, LN scale 1. The names are the checkpoint's
 * tensor names and the Python port's.
 */
function gptSpec(config: RunConfig, vocabSize: number): VariableSpec[] {
  const { embed: e, width: w, layers, context: t } = config;
  const residualStd = GPT_STD / Math.sqrt(2 * layers);
  const specs: VariableSpec[] = [
    { name: 'tok_emb', shape: [vocabSize, e], init: { kind: 'normal', std: GPT_STD } },
    { name: 'pos_emb', shape: [t, e], init: { kind: 'normal', std: GPT_STD } },
  ];
  for (let i = 0; i < layers; i++) {
    const b = `block${i}`;
    specs.push(
      ...layerNorm(`${b}/ln1`, e),
      ...dense(`${b}/attn/qkv`, e, 3 * e, GPT_STD),
      ...dense(`${b}/attn/proj`, e, e, residualStd),
      ...layerNorm(`${b}/ln2`, e),
      ...dense(`${b}/mlp/fc`, e, w, GPT_STD),
      ...dense(`${b}/mlp/proj`, w, e, residualStd),
    );
  }
  specs.push(...layerNorm('ln_f', e));
  if (config.tie === 0) {
    specs.push({
      name: 'head/kernel',
      shape: [e, vocabSize],
      init: { kind: 'normal', std: GPT_STD },
    });
  }
  return specs;
}

export function modelSpec(config: RunConfig, vocabSize: number): VariableSpec[] {
  if (config.model === 'gpt') return gptSpec(config, vocabSize);
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

/** The number of trained parameters of a config with this vocabulary (the page shows it). */
export function parameterCount(config: RunConfig, vocabSize: number): number {
  return modelSpec(config, vocabSize).reduce((sum, v) => sum + elementCount(v.shape), 0);
}

/**
 * Whether AdamW's weight decay applies to a variable: to matrices and embeddings (rank 2), not
 * to biases or layer-norm parameters (rank 1), as nanoGPT's `configure_optimizers` decides.
 */
export function decays(spec: Pick<VariableSpec, 'shape'>): boolean {
  return spec.shape.length >= 2;
}

/** Bytes of weights plus Adam's two slots, all float32. */
export function stateBytes(config: RunConfig, vocabSize: number): number {
  return modelSpec(config, vocabSize).reduce((sum, v) => sum + elementCount(v.shape) * 4 * 3, 0);
}
