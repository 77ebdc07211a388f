import * as tf from '@tensorflow/tfjs';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** Additive causal mask [t, t]: 0 on and below the diagonal, a large negative number above. */
function causalMask(t: number): tf.Tensor {
  return tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), -1e9);
}

/** The attention in tfjs ops, as the transformer computed it before the op layer. */
function attentionComposite(qkv: tf.Tensor, heads: number): tf.Tensor {
  const [rows, t, width3] = qkv.shape as [number, number, number];
  const width = width3 / 3;
  const headDim = width / heads;
  const [q, k, val] = tf
    .split(qkv, 3, -1)
    .map((part) => tf.transpose(tf.reshape(part, [rows, t, heads, headDim]), [0, 2, 1, 3])) as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
  ];
  const scores = tf.add(
    tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)),
    causalMask(t),
  );
  const mixed = tf.matMul(tf.softmax(scores), val);
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [rows, t, width]);
}

registerGradientOnce({
  kernelName: TP.causalAttention,
  inputsToSave: ['qkv'],
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const [qkv, probs] = saved as [tf.Tensor, tf.Tensor];
    const dy = Array.isArray(dys) ? dys[0]! : dys;
    return { qkv: () => runKernel(TP.causalAttentionGrad, { dy, qkv, probs }, attrs)[0]! };
  },
});

/**
 * Causal multi-head self-attention from the qkv projection [batch, t, 3·d] (q, k, v side by
 * side, head h in columns h·d/heads of each) to the heads merged, [batch, t, d]:
 * softmax(q kᵀ / √(d / heads) + causal mask) v. TpCausalAttention does it in one kernel forward
 * and one backward; the composite splits, transposes and masks with tfjs ops.
 */
export function causalSelfAttention(qkv: tf.Tensor, heads: number): tf.Tensor {
  if (!hasKernel(TP.causalAttention)) return attentionComposite(qkv, heads);
  const headDim = qkv.shape[2]! / 3 / heads;
  const [y, probs] = runKernel(
    TP.causalAttention,
    { qkv },
    { heads, scale: 1 / Math.sqrt(headDim) },
  );
  probs!.dispose();
  return y!;
}
