import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { layerNormDims, requireDtype } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { layerNormJob } from './cpu-pool-jobs';
import { runJob } from './cpu-threads';

// Each row's sums in a double, index order; the sums over rows (dgamma, dbeta) in a double per
// column, row order. One pass over x for the forward's output (cpu-loss-rows.ts, by rows on the
// CPU pool's threads where the training worker started one), one for the gradient.

/** Outputs: y (x's shape), then each row's mean and 1/√(var + ε), which the gradient reuses. */
function layerNormForward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
  const { epsilon } = args.attrs as unknown as { epsilon: number };
  requireDtype(TP.layerNorm, 'x', x, 'float32');
  const { rows, d } = layerNormDims(x, gamma, beta);
  const inputs = [call.floats(x), call.floats(gamma), call.floats(beta)] as const;
  const [y, means, rstds] = runJob(layerNormJob(inputs, [rows, d], epsilon));
  return [call.output(x.shape, y!), call.output([rows], means!), call.output([rows], rstds!)];
}

/** Outputs: dx (x's shape), dgamma [d], dbeta [d]. */
function layerNormBackward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const inputs = args.inputs as Record<'dy' | 'x' | 'gamma' | 'mean' | 'rstd', tf.TensorInfo>;
  const { rows, d } = layerNormDims(inputs.x, inputs.gamma);
  const [dy, xs, gs] = [call.floats(inputs.dy), call.floats(inputs.x), call.floats(inputs.gamma)];
  const [means, rstds] = [call.floats(inputs.mean), call.floats(inputs.rstd)];
  const dx = new Float32Array(rows * d);
  const dgamma = new Float64Array(d);
  const dbeta = new Float64Array(d);
  const xhat = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mean = means[r]!;
    const rstd = rstds[r]!;
    let sumG = 0;
    let sumGX = 0;
    for (let c = 0; c < d; c++) {
      const xh = (xs[o + c]! - mean) * rstd;
      const g = dy[o + c]! * gs[c]!;
      xhat[c] = xh;
      sumG += g;
      sumGX += g * xh;
      dgamma[c] += dy[o + c]! * xh;
      dbeta[c] += dy[o + c]!;
    }
    const meanG = sumG / d;
    const meanGX = sumGX / d;
    for (let c = 0; c < d; c++) {
      dx[o + c] = rstd * (dy[o + c]! * gs[c]! - meanG - xhat[c]! * meanGX);
    }
  }
  return [
    call.output(inputs.x.shape, dx),
    call.output([d], Float32Array.from(dgamma)),
    call.output([d], Float32Array.from(dbeta)),
  ];
}

export const CPU_LAYER_NORM_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.layerNorm, backendName: 'cpu', kernelFunc: layerNormForward },
  { kernelName: TP.layerNormGrad, backendName: 'cpu', kernelFunc: layerNormBackward },
];
