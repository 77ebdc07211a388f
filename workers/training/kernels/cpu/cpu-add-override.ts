import * as tf from '@tensorflow/tfjs';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';

// tfjs-cpu's Add goes through its general broadcasting loop (index arithmetic per element): 1 to
// 3 ms for a [1024, 96] residual at gpt-nano's shape, 13 calls a step (the residuals and the
// gradients the tape adds up). Two float32 tensors of one shape are added here in one flat loop:
// a float32 sum rounded once, as tfjs-cpu's (a double sum of two floats rounds to the same
// float32), so the same bits; every other case goes to tfjs-cpu's own kernel.

type Kernel = (args: KernelArgs) => tf.TensorInfo;

let original: tf.KernelConfig | null = null;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function flatAdd(args: KernelArgs): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !sameShape(a.shape, b.shape)) {
    return (original!.kernelFunc as Kernel)(args);
  }
  const call = cpuCall(args);
  const [x, y] = [call.floats(a), call.floats(b)];
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + y[i]!;
  return call.output(a.shape, out);
}

/** Puts the flat Add in tfjs's registry for 'cpu' (the original kept); idempotent. */
export function installCpuAdd(): void {
  if (original !== null) return;
  original = tf.getKernel('Add', 'cpu')!;
  tf.unregisterKernel('Add', 'cpu');
  tf.registerKernel({ ...original, kernelFunc: flatAdd as tf.KernelFunc });
}

/** tfjs-cpu's own Add again. */
export function removeCpuAdd(): void {
  if (original === null) return;
  tf.unregisterKernel('Add', 'cpu');
  tf.registerKernel(original);
  original = null;
}
