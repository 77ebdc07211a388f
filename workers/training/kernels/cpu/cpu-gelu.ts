import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { geluBackwardJob, geluForwardJob } from './cpu-pool-jobs';
import { runJob } from './cpu-threads';

// GPT-2's tanh GELU and its slope: the math is cpu-gelu-rows.ts's, by element ranges, on the
// CPU pool's threads where the training worker started one (the same bits either way).

function geluForward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { x } = args.inputs as { x: tf.TensorInfo };
  requireDtype(TP.gelu, 'x', x, 'float32');
  const [y] = runJob(geluForwardJob(call.floats(x)));
  return call.output(x.shape, y!);
}

function geluBackward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { dy, x } = args.inputs as Record<'dy' | 'x', tf.TensorInfo>;
  const [dx] = runJob(geluBackwardJob(call.floats(dy), call.floats(x)));
  return call.output(x.shape, dx!);
}

export const CPU_GELU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.gelu, backendName: 'cpu', kernelFunc: geluForward },
  { kernelName: TP.geluGrad, backendName: 'cpu', kernelFunc: geluBackward },
];
