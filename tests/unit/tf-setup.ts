import * as tf from '@tensorflow/tfjs';

/** Unit tests train on the pure-JS CPU backend: exact, and the same on every machine. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}
