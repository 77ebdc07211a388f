import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// GPT-2's tanh GELU and its slope, each element in doubles (Math.tanh) and rounded once to
// float32: no cancellation in 1 ± tanh that float32 would see.

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

function geluForward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const xs = call.floats(x);
  const y = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    y[i] = 0.5 * v * (1 + Math.tanh(C * (v + A * v * v * v)));
  }
  return call.output(x.shape, y);
}

function geluBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { dy, x } = args.inputs as Record<'dy' | 'x', tf.TensorInfo>;
  const [g, xs] = [call.floats(dy), call.floats(x)];
  const dx = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    const t = Math.tanh(C * (v + A * v * v * v));
    dx[i] = g[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * C * (1 + 3 * A * v * v));
  }
  return call.output(x.shape, dx);
}

export const CPU_GELU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'cpu', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'cpu', kernelFunc: geluBackward },
];
