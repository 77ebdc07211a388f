import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../../src/shared/kernel-errors';
import { TP } from '../../ops/kernel-names';
import { requireDtype, sizeOf, type KernelArgs } from '../wasm-kernel-args';
import { dispatch, flatWorkgroups, output, webgpuOf, type WebGpuInternals } from './gpu-program';

type Inputs = Record<'logits' | 'targets' | 'weights', tf.TensorInfo>;

/** Invocations of the loss's single workgroup, and of each row's workgroup in the gradient. */
const LOSS_GROUP = 256;
const ROW_GROUP = 64;

/** rows × vocab of the logits, with one target and one weight per row. */
function rowsOf({ logits, targets, weights }: Inputs): { rows: number; vocab: number } {
  const vocab = logits.shape.at(-1) ?? 1;
  const rows = sizeOf(logits.shape) / vocab;
  if (sizeOf(targets.shape) !== rows || sizeOf(weights.shape) !== rows) {
    throw new KernelInputError(
      `${TP.softmaxCrossEntropy}: logits [${logits.shape.join(', ')}] have ${rows} rows, but targets [${targets.shape.join(', ')}] and weights [${weights.shape.join(', ')}] must have one value per row. Pass one target and one weight for each row of logits.`,
    );
  }
  return { rows, vocab };
}

/**
 * Targets still on the host (a batch not yet uploaded, the usual case) are checked here, as on
 * WASM. Targets already on the GPU cannot be read without waiting for it: a bad one there makes
 * the loss NaN, which the divergence guard reports.
 */
function checkTargets(gpu: WebGpuInternals, targets: tf.TensorInfo, vocab: number): void {
  const values = gpu.tensorMap.get(targets.dataId)?.values as ArrayLike<number> | null | undefined;
  if (values === null || values === undefined) return;
  for (let r = 0; r < values.length; r++) {
    const t = values[r]!;
    if (t < 0 || t >= vocab) {
      throw new KernelInputError(
        `${TP.softmaxCrossEntropy}: the target of row ${r} is outside the vocabulary [0, ${vocab}). Pass targets that index the logits' last axis.`,
      );
    }
  }
}

// One workgroup: invocation t takes rows t, t + 256, … in order, then invocation 0 adds the 256
// partial sums in order. Each row: its max, Σ exp(x − max) over the columns in order.
const forwardBody = () => `
var<workgroup> partLoss: array<f32, ${LOSS_GROUP}>;
var<workgroup> partWeight: array<f32, ${LOSS_GROUP}>;
@compute @workgroup_size(${LOSS_GROUP})
fn main(@builtin(local_invocation_index) t: u32) {
  var acc = 0.0;
  var weightSum = 0.0;
  for (var r = t; r < u.rows; r += ${LOSS_GROUP}u) {
    let base = r * u.vocab;
    var top = logits[base];
    for (var c = 1u; c < u.vocab; c++) { top = max(top, logits[base + c]); }
    var sum = 0.0;
    for (var c = 0u; c < u.vocab; c++) { sum += exp(logits[base + c] - top); }
    let l = top + log(sum);
    lse[r] = l;
    let tgt = targets[r];
    let w = weights[r];
    if (tgt < 0 || u32(tgt) >= u.vocab) {
      acc += u.nan;
    } else {
      acc += w * (l - logits[base + u32(tgt)]);
    }
    weightSum += w;
  }
  partLoss[t] = acc;
  partWeight[t] = weightSum;
  workgroupBarrier();
  if (t == 0u) {
    var total = 0.0;
    var weight = 0.0;
    for (var i = 0u; i < ${LOSS_GROUP}u; i++) { total += partLoss[i]; weight += partWeight[i]; }
    loss[0] = total / max(weight, 1.0);
  }
}`;

// A workgroup per row. Each first finds Σ weights (invocation i adds rows i, i + 64, … in
// order; invocation 0 adds the 64 partial sums in order), then writes its row's columns.
const backwardBody = () => `
var<workgroup> partWeight: array<f32, ${ROW_GROUP}>;
@compute @workgroup_size(${ROW_GROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  var weightSum = 0.0;
  for (var r = t; r < u.rows; r += ${ROW_GROUP}u) { weightSum += weights[r]; }
  partWeight[t] = weightSum;
  workgroupBarrier();
  if (t == 0u) {
    var total = 0.0;
    for (var i = 0u; i < ${ROW_GROUP}u; i++) { total += partWeight[i]; }
    partWeight[0] = total;
  }
  workgroupBarrier();
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let scale = (weights[row] * dloss[0]) / max(partWeight[0], 1.0);
  let base = row * u.vocab;
  let tgt = targets[row];
  let l = lse[row];
  for (var c = t; c < u.vocab; c += ${ROW_GROUP}u) {
    let hit = select(0.0, 1.0, i32(c) == tgt);
    dlogits[base + c] = (exp(logits[base + c] - l) - hit) * scale;
  }
}`;

/** Outputs: the loss (a scalar) and each row's log-sum-exp [rows], which the gradient reuses. */
function crossEntropyForward({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { logits, targets, weights } = inputs as Inputs;
  requireDtype(TP.softmaxCrossEntropy, 'logits', logits, 'float32');
  requireDtype(TP.softmaxCrossEntropy, 'targets', targets, 'int32');
  requireDtype(TP.softmaxCrossEntropy, 'weights', weights, 'float32');
  const { rows, vocab } = rowsOf({ logits, targets, weights });
  if (rows === 0 || vocab === 0) {
    throw new KernelInputError(
      `${TP.softmaxCrossEntropy}: logits [${logits.shape.join(', ')}] are empty. Pass at least one row of at least one logit.`,
    );
  }
  checkTargets(gpu, targets, vocab);
  const [loss, lse] = [output(gpu, []), output(gpu, [rows])];
  dispatch(gpu, {
    key: 'TpSoftmaxCrossEntropy',
    body: forwardBody,
    outputs: { loss, lse },
    inputs: { logits, targets, weights },
    // NaN from a uniform: WGSL refuses a constant expression that evaluates to NaN.
    fields: [
      ['rows', 'u32', rows],
      ['vocab', 'u32', vocab],
      ['nan', 'f32', NaN],
    ],
    workgroups: [1, 1, 1],
  });
  return [loss, lse];
}

/** Output: dlogits, the logits' shape. */
function crossEntropyBackward({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const all = inputs as Inputs & Record<'dloss' | 'lse', tf.TensorInfo>;
  const { rows, vocab } = rowsOf(all);
  const dlogits = output(gpu, [...all.logits.shape]);
  if (rows === 0) return dlogits;
  const { dloss, logits, targets, weights, lse } = all;
  dispatch(gpu, {
    key: 'TpSoftmaxCrossEntropyGrad',
    body: backwardBody,
    outputs: { dlogits },
    inputs: { dloss, logits, targets, weights, lse },
    fields: [
      ['rows', 'u32', rows],
      ['vocab', 'u32', vocab],
    ],
    workgroups: flatWorkgroups(rows, 1),
  });
  return dlogits;
}

export const CROSS_ENTROPY_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.softmaxCrossEntropy, backendName: 'webgpu', kernelFunc: crossEntropyForward },
  {
    kernelName: TP.softmaxCrossEntropyGrad,
    backendName: 'webgpu',
    kernelFunc: crossEntropyBackward,
  },
];
