import * as tf from '@tensorflow/tfjs';
import type { DenseAttrs } from '../../ops/dense';
import { TP } from '../../ops/kernel-names';
import { denseDims, requireDenseBias, requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { columnSums, matMulNN, matMulNT, matMulTN } from './cpu-matmul';

// The dense layer's products in the loop order that reads both operands contiguously, each the
// same bits as the composite's tf.matMul (and its gradients' matMuls) on tfjs-cpu; the bias is
// added after the product, as tf.add does, and its gradient is the composite's column sum.

type Info = tf.TensorInfo;

/** Output: y [...x's shape without its last axis, out]. */
function denseForward(args: KernelArgs): Info {
  const call = cpuCall(args);
  const { x, kernel, bias } = args.inputs as { x: Info; kernel: Info; bias?: Info };
  const { transposeKernel } = args.attrs as unknown as DenseAttrs;
  requireDtype(TP.dense, 'x', x, 'float32');
  requireDtype(TP.dense, 'kernel', kernel, 'float32');
  const { inDim, outDim, rows } = denseDims(x, kernel, transposeKernel);
  if (bias !== undefined) requireDenseBias(bias, outDim);
  const xs = call.floats(x);
  const ks = call.floats(kernel);
  const y = transposeKernel
    ? matMulNT(xs, ks, rows, inDim, outDim)
    : matMulNN(xs, ks, rows, inDim, outDim);
  if (bias !== undefined) {
    const b = call.floats(bias);
    for (let r = 0; r < rows; r++) {
      const o = r * outDim;
      for (let j = 0; j < outDim; j++) y[o + j] += b[j]!;
    }
  }
  return call.output([...x.shape.slice(0, -1), outDim], y);
}

/** Outputs: dx (x's shape), dkernel (kernel's shape), and dbias [out] when hasBias. */
function denseBackward(args: KernelArgs): Info[] {
  const call = cpuCall(args);
  const { dy, x, kernel } = args.inputs as Record<'dy' | 'x' | 'kernel', Info>;
  const { transposeKernel, hasBias } = args.attrs as unknown as DenseAttrs;
  const { inDim, outDim, rows } = denseDims(x, kernel, transposeKernel);
  const g = call.floats(dy);
  const xs = call.floats(x);
  const ks = call.floats(kernel);
  // tfjs's matMul gradients: y = x·k gives dx = dy·kᵀ and dk = xᵀ·dy; y = x·kᵀ (k [out, in])
  // gives dx = dy·k and dk = dyᵀ·x.
  const dx = transposeKernel
    ? matMulNN(g, ks, rows, outDim, inDim)
    : matMulNT(g, ks, rows, outDim, inDim);
  const dk = transposeKernel
    ? matMulTN(g, xs, outDim, rows, inDim)
    : matMulTN(xs, g, inDim, rows, outDim);
  const outputs = [call.output(x.shape, dx), call.output(kernel.shape, dk)];
  if (hasBias) outputs.push(call.output([outDim], columnSums(g, rows, outDim)));
  return outputs;
}

export const CPU_DENSE_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.dense, backendName: 'cpu', kernelFunc: denseForward },
  { kernelName: TP.denseGrad, backendName: 'cpu', kernelFunc: denseBackward },
];
