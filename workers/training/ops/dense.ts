import * as tf from '@tensorflow/tfjs';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/** Today's dense layer in tfjs ops: a matmul over the rows of x, then the bias added. */
function denseComposite(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  transposeKernel: boolean,
): tf.Tensor {
  const inDim = kernel.shape[transposeKernel ? 1 : 0]!;
  const outDim = kernel.shape[transposeKernel ? 0 : 1]!;
  const rows = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  const product = tf.matMul(rows, kernel as tf.Tensor2D, false, transposeKernel);
  const out = bias === null ? product : tf.add(product, bias);
  return tf.reshape(out, [...x.shape.slice(0, -1), outDim]);
}

registerGradientOnce({
  kernelName: TP.dense,
  inputsToSave: ['x', 'kernel'],
  gradFunc: (dy, saved, attrs) => {
    const [x, kernel] = saved as [tf.Tensor, tf.Tensor];
    const { transposeKernel, hasBias } = attrs as unknown as DenseAttrs;
    // One kernel gives every gradient; each input's function hands out its own.
    const [dx, dkernel, dbias] = runKernel(
      TP.denseGrad,
      { dy: dy as tf.Tensor, x, kernel },
      { transposeKernel, hasBias },
    );
    return { x: () => dx!, kernel: () => dkernel!, bias: () => dbias! };
  },
});

export interface DenseAttrs {
  /** The kernel is [out, in] and multiplies transposed: a tied head (logits = h · embᵀ). */
  readonly transposeKernel: boolean;
  readonly hasBias: boolean;
}

/**
 * x · kernel + bias over x's last axis (x [..., in], kernel [in, out], bias [out] or null), or
 * x · kernelᵀ with `transposeKernel` (kernel [out, in]). With TpDense on the backend, one kernel
 * forward and one for all three gradients, none of them a transposed matmul; else tfjs's
 * matMul and add, whose gradients are tfjs's.
 */
export function dense(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  transposeKernel = false,
): tf.Tensor {
  if (!hasKernel(TP.dense)) return denseComposite(x, kernel, bias, transposeKernel);
  const inputs: tf.NamedTensorMap = bias === null ? { x, kernel } : { x, kernel, bias };
  const attrs: DenseAttrs = { transposeKernel, hasBias: bias !== null };
  return runKernel(TP.dense, inputs, attrs)[0]!;
}
