import * as tf from '@tensorflow/tfjs';
import { TP } from './kernel-names';

/**
 * Which kernels compute a backend's steps, as the version a snapshot records in `tfjsVersion`:
 * tfjs's version alone while the op layer runs its composites there (`4.22.0`), with the
 * trainer's kernels `4.22.0+tp-wasm.1`. Each backend's installer names the version of its Tp
 * kernels (and whatever of tfjs's own it replaces); it bumps it whenever a change could move a
 * result's last bit. A resume on the same backend under another version is exact only up to
 * float rounding, and says so, as a resume on another backend does.
 */
const installed = new Map<string, string>();

/** Called by a backend's kernel installer: its Tp kernels are now `version` (e.g. `wasm.1`). */
export function recordKernelSet(backend: string, version: string): void {
  installed.set(backend, version);
}

/** Called when a backend's Tp kernels are removed (comparisons and tests). */
export function forgetKernelSet(backend: string): void {
  installed.delete(backend);
}

/** The kernel stack of the backend running now: tfjs's version, plus ours when registered. */
export function kernelStack(): string {
  const backend = tf.getBackend();
  const ours = Object.values(TP).some((name) => tf.getKernel(name, backend) !== undefined);
  const version = installed.get(backend);
  return ours && version !== undefined ? `${tf.version.tfjs}+tp-${version}` : tf.version.tfjs;
}
