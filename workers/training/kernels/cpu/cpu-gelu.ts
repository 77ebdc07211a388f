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

/** Elements a chunk: the exponentials of one chunk stay in a small scratch array in cache. */
const CHUNK = 512;
const scratch = new Float64Array(CHUNK);

/** scratch[i] = exp(−2|u|) for the elements [from, from + count) of xs. */
function exponentials(xs: Float32Array, from: number, count: number): Float64Array {
  for (let i = 0; i < count; i++) {
    const v = xs[from + i]!;
    scratch[i] = -2 * Math.abs(C * (v + A * v * v * v));
  }
  expInPlace(scratch, count);
  return scratch;
}

function geluForward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const xs = call.floats(x);
  const y = new Float32Array(xs.length);
  for (let from = 0; from < xs.length; from += CHUNK) {
    const count = Math.min(CHUNK, xs.length - from);
    const e = exponentials(xs, from, count);
    for (let i = 0; i < count; i++) {
      const v = xs[from + i]!;
      const u = C * (v + A * v * v * v);
      y[from + i] = (0.5 * v * (u >= 0 ? 2 : 2 * e[i]!)) / (1 + e[i]!);
    }
  }
  return call.output(x.shape, y);
}

function geluBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { dy, x } = args.inputs as Record<'dy' | 'x', tf.TensorInfo>;
  const [g, xs] = [call.floats(dy), call.floats(x)];
  const dx = new Float32Array(xs.length);
  for (let from = 0; from < xs.length; from += CHUNK) {
    const count = Math.min(CHUNK, xs.length - from);
    const es = exponentials(xs, from, count);
    for (let i = 0; i < count; i++) {
      const v = xs[from + i]!;
      const u = C * (v + A * v * v * v);
      const e = es[i]!;
      const r = 1 / (1 + e);
      const onePlusT = u >= 0 ? 2 * r : 2 * e * r;
      dx[from + i] =
        g[from + i]! * (0.5 * onePlusT + 0.5 * v * (4 * e * r * r) * C * (1 + 3 * A * v * v));
    }
  }
  return call.output(x.shape, dx);
}

export const CPU_GELU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'cpu', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'cpu', kernelFunc: geluBackward },
];
