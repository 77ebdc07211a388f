import type * as tf from '@tensorflow/tfjs';
import { TP } from '../ops/kernel-names';
import { attentionDims } from './kernel-checks';
import { requireDtype, wasmCall, type KernelArgs } from './wasm-kernel-args';

interface AttentionAttrs {
  readonly heads: number;
  readonly scale: number;
}

/** Outputs: y [batch, t, d] (heads merged) and the probabilities [batch, heads, t, t]. */
function attentionForward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const { qkv } = args.inputs as { qkv: tf.TensorInfo };
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  requireDtype(TP.causalAttention, 'qkv', qkv, 'float32');
  const { batch, t, hd } = attentionDims(qkv, heads);
  const y = call.output([batch, t, heads * hd]);
  const probs = call.output([batch, heads, t, t]);
  call.kernels.attentionForward(
    call.at(qkv),
    call.at(y),
    call.at(probs),
    batch,
    t,
    heads,
    hd,
    scale,
  );
  return [y, probs];
}

/** Output: dqkv, qkv's shape. */
function attentionBackward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const { dy, qkv, probs } = args.inputs as Record<'dy' | 'qkv' | 'probs', tf.TensorInfo>;
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const { batch, t, hd } = attentionDims(qkv, heads);
  const dqkv = call.output(qkv.shape);
  const scratch = call.output([t]);
  const { at } = call;
  call.kernels.attentionBackward(
    at(dy),
    at(qkv),
    at(probs),
    at(dqkv),
    at(scratch),
    batch,
    t,
    heads,
    hd,
    scale,
  );
  call.free(scratch);
  return dqkv;
}

export const ATTENTION_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.causalAttention, backendName: 'wasm', kernelFunc: attentionForward },
  { kernelName: TP.causalAttentionGrad, backendName: 'wasm', kernelFunc: attentionBackward },
];
