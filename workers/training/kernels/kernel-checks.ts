import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../src/shared/kernel-errors';
import { TP, type TpKernelName } from '../ops/kernel-names';

// Checks every backend's kernels make of their inputs (docs/KERNELS.md, rule 4): one wording
// of each refusal, whichever backend refuses.

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Refuses a tensor of another dtype, naming the kernel, the input and what it takes. */
export function requireDtype(
  kernel: TpKernelName,
  name: string,
  t: tf.TensorInfo,
  dtype: 'float32' | 'int32',
): void {
  if (t.dtype !== dtype) {
    throw new KernelInputError(`${kernel}: ${name} is ${t.dtype}; it takes ${dtype} only.`);
  }
}

/** Refuses a shape that is not what the kernel needs, with both shapes in the message. */
export function requireShape(
  kernel: TpKernelName,
  name: string,
  t: tf.TensorInfo,
  expected: readonly number[],
): void {
  if (t.shape.length !== expected.length || t.shape.some((s, i) => s !== expected[i])) {
    throw new KernelInputError(
      `${kernel}: ${name} has shape [${t.shape.join(', ')}]; it must be [${expected.join(', ')}]. Pass tensors of the shapes the op documents.`,
    );
  }
}

/** in and out of a dense kernel [in, out] (or [out, in] transposed) that fits x's last axis. */
export function denseDims(x: tf.TensorInfo, kernel: tf.TensorInfo, transposeKernel: boolean) {
  const [k0, k1] = kernel.shape as [number, number];
  const [inDim, outDim] = transposeKernel ? [k1, k0] : [k0, k1];
  if (kernel.shape.length !== 2 || x.shape.at(-1) !== inDim) {
    throw new KernelInputError(
      `${TP.dense}: a kernel of shape [${kernel.shape.join(', ')}]${transposeKernel ? ' (transposed)' : ''} does not fit x [${x.shape.join(', ')}]. Pass a 2-D kernel whose input size is x's last axis.`,
    );
  }
  return { inDim, outDim, rows: sizeOf(x.shape) / inDim };
}

/** Refuses a dense bias that is not one value per output. */
export function requireDenseBias(bias: tf.TensorInfo, outDim: number): void {
  if (bias.shape.length !== 1 || bias.shape[0] !== outDim) {
    throw new KernelInputError(
      `${TP.dense}: a bias of shape [${bias.shape.join(', ')}] does not fit the ${outDim} outputs. Pass a bias of shape [${outDim}].`,
    );
  }
}

/** batch, t, heads, head size of a qkv [batch, t, 3·d] whose d the heads divide. */
export function attentionDims(qkv: tf.TensorInfo, heads: number) {
  const [batch, t, width3] = qkv.shape as [number, number, number];
  if (qkv.shape.length !== 3 || width3 % (3 * heads) !== 0) {
    throw new KernelInputError(
      `${TP.causalAttention}: qkv [${qkv.shape.join(', ')}] must be [batch, t, 3·d] with d a multiple of the ${heads} heads. Pass the qkv projection's output.`,
    );
  }
  return { batch, t, heads, hd: width3 / 3 / heads };
}

type CrossEntropyInputs = Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;

/** rows × vocab of the logits, with one target and one weight per row. */
export function crossEntropyDims({ logits, targets, weights }: CrossEntropyInputs): {
  rows: number;
  vocab: number;
} {
  const vocab = logits.shape.at(-1) ?? 1;
  const rows = sizeOf(logits.shape) / vocab;
  if (sizeOf(targets.shape) !== rows || sizeOf(weights.shape) !== rows) {
    throw new KernelInputError(
      `${TP.softmaxCrossEntropy}: logits [${logits.shape.join(', ')}] have ${rows} rows, but targets [${targets.shape.join(', ')}] and weights [${weights.shape.join(', ')}] must have one value per row. Pass one target and one weight for each row of logits.`,
    );
  }
  return { rows, vocab };
}

/** rows × d of x; gamma (and beta, when given) must be [d]. */
export function layerNormDims(
  x: tf.TensorInfo,
  ...params: tf.TensorInfo[]
): { rows: number; d: number } {
  const d = x.shape.at(-1) ?? 1;
  for (const p of params) {
    if (p.shape.length !== 1 || p.shape[0] !== d) {
      throw new KernelInputError(
        `${TP.layerNorm}: a scale or offset of shape [${p.shape.join(', ')}] does not fit the last axis (${d}) of x [${x.shape.join(', ')}]. Pass vectors of length ${d}.`,
      );
    }
  }
  return { rows: d === 0 ? 0 : sizeOf(x.shape) / d, d };
}

/** An id outside the table (`position` in the flattened ids). */
export function badEmbeddingId(position: number, vocab: number): KernelInputError {
  return new KernelInputError(
    `${TP.embedding}: the id at position ${position} is outside the table's ${vocab} rows. Pass ids in [0, ${vocab}).`,
  );
}

/** A target outside the vocabulary (`row` of the logits). */
export function badTarget(row: number, vocab: number): KernelInputError {
  return new KernelInputError(
    `${TP.softmaxCrossEntropy}: the target of row ${row} is outside the vocabulary [0, ${vocab}). Pass targets that index the logits' last axis.`,
  );
}

/** TpAdam's tensors (docs/KERNELS.md): `scale` is the clipping factor, absent without clipping. */
export type AdamInputs = Record<
  'param' | 'grad' | 'm' | 'v' | 'accBeta1' | 'accBeta2',
  tf.TensorInfo
> & { readonly scale?: tf.TensorInfo };

export interface AdamAttrs {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly decay: number;
}

/** TpAdam's inputs and attributes, its param, grad, m and v refused alike on every backend. */
export function adamArgs(
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
): { inputs: AdamInputs; attrs: AdamAttrs } {
  const all = inputs as AdamInputs;
  const { param, grad, m, v } = all;
  for (const [name, t] of Object.entries({ param, grad, m, v })) {
    requireDtype(TP.adam, name, t, 'float32');
    requireShape(TP.adam, name, t, param.shape);
  }
  return { inputs: all, attrs: attrs as unknown as AdamAttrs };
}
