import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { requireDtype } from '../kernel-checks';
import { expInPlace } from './cpu-exp';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// GPT-2's tanh GELU and its slope, each element in doubles, rounded once to float32. 1 + tanh(u)
// and 1 − tanh²(u) come from e = exp(−2|u|) and r = 1/(1 + e): 1 + t is 2r for u ≥ 0 and 2er
// below, 1 − t² is 4er², neither a difference of nearly equal numbers.

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** e = exp(−2|u|) of every element, u = √(2/π)·(x + 0.044715·x³). */
function exponentials(xs: Float32Array): Float64Array {
  const e = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    e[i] = -2 * Math.abs(C * (v + A * v * v * v));
  }
  expInPlace(e, e.length);
  return e;
}

function geluForward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const xs = call.floats(x);
  const y = new Float32Array(xs.length);
  const e = exponentials(xs);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    const u = C * (v + A * v * v * v);
    y[i] = (0.5 * v * (u >= 0 ? 2 : 2 * e[i]!)) / (1 + e[i]!);
  }
  return call.output(x.shape, y);
}

function geluBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { dy, x } = args.inputs as Record<'dy' | 'x', tf.TensorInfo>;
  const [g, xs] = [call.floats(dy), call.floats(x)];
  const dx = new Float32Array(xs.length);
  const es = exponentials(xs);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    const u = C * (v + A * v * v * v);
    const e = es[i]!;
    const r = 1 / (1 + e);
    const onePlusT = u >= 0 ? 2 * r : 2 * e * r;
    dx[i] = g[i]! * (0.5 * onePlusT + 0.5 * v * (4 * e * r * r) * C * (1 + 3 * A * v * v));
  }
  return call.output(x.shape, dx);
}

export const CPU_GELU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'cpu', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'cpu', kernelFunc: geluBackward },
];
