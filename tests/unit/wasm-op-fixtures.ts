import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';
import { Prng } from '../../src/shared/prng';
import { installWasmKernels, removeWasmKernels } from '../../workers/training/kernels/install';
import { loadKernelFiles } from './kernel-files';

/** The wasm backend (SIMD, one thread in Node) with the trainer's kernels installed. */
export async function useWasmKernels(): Promise<void> {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  await installWasmKernels(loadKernelFiles);
}

/** Normal values, scaled and shifted, from a seeded PRNG. */
export function random(shape: number[], prng: Prng, scale = 1, shift = 0): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => shift + scale * prng.nextNormal()),
    shape,
  );
}

/** Integers in [0, n) from a seeded PRNG. */
export function randomIds(shape: number[], n: number, prng: Prng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Int32Array.from({ length: size }, () => prng.nextInt(n)),
    shape,
    'int32',
  );
}

/**
 * `run` with the trainer's wasm kernels (the op layer's kernel path), then with them removed
 * (the composite of tfjs-wasm's own kernels): the two results, tensors the caller disposes.
 */
export async function kernelAndComposite(
  run: () => tf.Tensor[],
): Promise<{ kernel: tf.Tensor[]; composite: tf.Tensor[] }> {
  await installWasmKernels(loadKernelFiles);
  const kernel = tf.tidy(run);
  removeWasmKernels();
  try {
    return { kernel, composite: tf.tidy(run) };
  } finally {
    await installWasmKernels(loadKernelFiles);
  }
}

/** Largest |a - b| over the largest |b| (at least 1): an error relative to the tensor's scale. */
export async function relDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))]);
  const [d, s] = [(await diff!.data())[0]!, (await scale!.data())[0]!];
  tf.dispose([diff!, scale!]);
  return d / Math.max(1, s);
}

/** Every tensor's bytes, to compare runs bit for bit. */
export async function bytesOfAll(tensors: tf.Tensor[]): Promise<Uint8Array[]> {
  return Promise.all(tensors.map(async (t) => new Uint8Array((await t.data()).buffer.slice(0))));
}
