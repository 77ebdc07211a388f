import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { adamArgs, requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// Both kernels are the composites' own arithmetic on tfjs-cpu, so the same bits: every tfjs-cpu
// elementwise kernel computes in a double and stores a float32 (Math.fround here), and its Sum
// adds in a double in index order.

const f = Math.fround;

/**
 * Output: √Σ‖g‖², a scalar: as gradients.ts's globalNorm on tfjs-cpu, each tensor's squares
 * (float32) summed in a double and stored as float32, those sums added in input order in
 * float32 (AddN), and the root taken in float32.
 */
function globalNorm(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  let total = 0;
  for (const g of Object.values(args.inputs) as tf.TensorInfo[]) {
    requireDtype(TP.globalNorm, 'a gradient', g, 'float32');
    const values = call.floats(g);
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += f(values[i]! * values[i]!);
    total = f(total + f(sum));
  }
  return call.output([], Float32Array.of(Math.sqrt(total)));
}

/**
 * Outputs: the new param, m and v. tfjs's AdamOptimizer one float32 operation at a time, with
 * its constants as the float32 scalars it makes of them, and AdamW's decay (p·decay) and the
 * clipping factor (g·scale) as the composite's tf.mul: docs/KERNELS.md, TpAdam.
 */
function adamStep(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { inputs, attrs } = adamArgs(args.inputs, args.attrs);
  const { learningRate, beta1, beta2, epsilon, decay } = attrs;
  const { param, grad, m, v } = inputs;
  const [p0, g0, m0, v0] = [call.floats(param), call.floats(grad), call.floats(m), call.floats(v)];
  const [b1, c1, b2, c2] = [f(beta1), f(1 - beta1), f(beta2), f(1 - beta2)];
  const [eps, negLr, dc] = [f(epsilon), f(-learningRate), f(decay)];
  const corr1 = f(1 - call.floats(inputs.accBeta1)[0]!);
  const corr2 = f(1 - call.floats(inputs.accBeta2)[0]!);
  const scale = inputs.scale === undefined ? null : call.floats(inputs.scale)[0]!;
  const n = p0.length;
  const [p1, m1, v1] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    const g = scale === null ? g0[i]! : f(g0[i]! * scale);
    const newM = f(f(m0[i]! * b1) + f(g * c1));
    const newV = f(f(v0[i]! * b2) + f(f(g * g) * c2));
    const mHat = f(newM / corr1);
    const vHat = f(newV / corr2);
    const update = f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * negLr);
    p1[i] = update + (dc === 1 ? p0[i]! : f(p0[i]! * dc));
    m1[i] = newM;
    v1[i] = newV;
  }
  return [call.output(param.shape, p1), call.output(param.shape, m1), call.output(param.shape, v1)];
}

export const CPU_OPTIMIZER_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.globalNorm, backendName: 'cpu', kernelFunc: globalNorm },
  { kernelName: TP.adam, backendName: 'cpu', kernelFunc: adamStep },
];
