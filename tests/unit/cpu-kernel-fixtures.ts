import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import {
  installCpuKernels,
  removeCpuKernels,
} from '../../workers/training/kernels/cpu/install-cpu-kernels';
import { useCpuBackend } from './tf-setup';

/** The calling test file runs on the CPU backend with the trainer's kernels, as backend.ts installs them. */
export function useCpuKernelsInThisFile(): void {
  beforeAll(async () => {
    await useCpuBackend();
    installCpuKernels();
  });
  afterAll(removeCpuKernels);
}

/** `run` with the CPU kernels, then with them removed (the composite): both results. */
export function cpuKernelAndComposite(run: () => tf.Tensor[]): {
  kernel: tf.Tensor[];
  composite: tf.Tensor[];
} {
  installCpuKernels();
  const kernel = tf.tidy(run);
  removeCpuKernels();
  try {
    return { kernel, composite: tf.tidy(run) };
  } finally {
    installCpuKernels();
  }
}
