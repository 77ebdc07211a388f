import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { attentionDims, requireDtype } from '../kernel-checks';
import type { AttentionDims } from './cpu-attention-rows';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { attentionBackwardJob, attentionForwardJob } from './cpu-pool-jobs';
import { runJob } from './cpu-threads';

// Causal attention's kernels: the math is cpu-attention-rows.ts's, by (batch, head) pairs, on the
// CPU pool's threads where the training worker started one (the same bits either way).

interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

function dimsOf(qkv: tf.TensorInfo, { heads, scale }: AttentionAttrs): AttentionDims {
  return { ...attentionDims(qkv, heads), heads, scale };
}

/** Outputs: y [batch, t, d] (heads merged) and the probabilities [batch, heads, t, t]. */
function attentionForward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { qkv } = args.inputs as { qkv: tf.TensorInfo };
  requireDtype(TP.causalAttention, 'qkv', qkv, 'float32');
  const dims = dimsOf(qkv, args.attrs as unknown as AttentionAttrs);
  const { batch, t, heads, hd } = dims;
  const [y, probs] = runJob(attentionForwardJob(call.floats(qkv), dims));
  return [call.output([batch, t, heads * hd], y!), call.output([batch, heads, t, t], probs!)];
}

/** Output: dqkv (qkv's shape). */
function attentionBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const inputs = args.inputs as Record<'dy' | 'qkv' | 'probs', tf.TensorInfo>;
  const dims = dimsOf(inputs.qkv, args.attrs as unknown as AttentionAttrs);
  const [g, x, probs] = [inputs.dy, inputs.qkv, inputs.probs].map((i) => call.floats(i));
  const [dqkv] = runJob(attentionBackwardJob(g!, x!, probs!, dims));
  return call.output(inputs.qkv.shape, dqkv!);
}

export const CPU_ATTENTION_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.causalAttention, backendName: 'cpu', kernelFunc: attentionForward },
  { kernelName: TP.causalAttentionGrad, backendName: 'cpu', kernelFunc: attentionBackward },
];
