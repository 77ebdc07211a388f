import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Two replacements of tfjs-wasm's own kernels that change no result's meaning, only its cost
 * (issue 19, changes #1 and #5 of docs/PROFILE-NOTES.md), installed with the trainer's kernels
 * (install.ts). They change the rounding of a flagged product (XNNPACK sums in another order than
 * tfjs-wasm's loop): part of the kernel set a snapshot records (ops/kernel-set.ts).
 *
 * - BatchMatMul: tfjs-wasm hands a product to XNNPACK only without transpose flags and with
 *   batch 1; every gradient of a matmul has a flag, and its scalar loop runs 8 to 13× slower. A
 *   flagged 2-D operand is transposed first (one copy), then the product goes to XNNPACK.
 * - Identity: tfjs-wasm copies the tensor; the tape clones every tensor a gradient saves through
 *   it. Like the CPU backend's, this one adds a reference: no wasm kernel writes into its inputs,
 *   and a variable's assign swaps buffers, so a shared buffer never changes under a clone.
 */
const REPLACED = ['BatchMatMul', 'Identity'] as const;

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Kernel = (args: KernelArgs) => tf.TensorInfo;

const originals = new Map<string, tf.KernelConfig>();

function own(name: string): Kernel {
  return (originals.get(name) ?? tf.getKernel(name, 'wasm')!).kernelFunc as Kernel;
}

/** tfjs-wasm's own kernel function `name`, whether or not it is replaced here. */
export function tfjsWasmKernel(name: string): Kernel {
  return own(name);
}

function routedMatMul(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const flagged = transposeA || transposeB;
  if (!flagged || a.shape.length !== 2 || b.shape.length !== 2) return own('BatchMatMul')(args);
  const transpose = own('Transpose');
  const flip = (x: tf.TensorInfo) => transpose({ inputs: { x }, backend, attrs: { perm: [1, 0] } });
  const ta = transposeA ? flip(a) : a;
  const tb = transposeB ? flip(b) : b;
  const out = own('BatchMatMul')({
    inputs: { a: ta, b: tb },
    backend,
    attrs: { ...attrs, transposeA: false, transposeB: false },
  });
  const wasm = backend as BackendWasm;
  if (ta !== a) wasm.disposeData(ta.dataId);
  if (tb !== b) wasm.disposeData(tb.dataId);
  return out;
}

function identityByReference({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const REPLACEMENTS: Record<(typeof REPLACED)[number], Kernel> = {
  BatchMatMul: routedMatMul,
  Identity: identityByReference,
};

/** Puts the replacements in tfjs's registry for 'wasm'; idempotent. */
export function installWasmOverrides(): void {
  for (const name of REPLACED) {
    if (originals.has(name)) continue;
    const original = tf.getKernel(name, 'wasm')!;
    originals.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: REPLACEMENTS[name] as tf.KernelFunc });
  }
}

/** tfjs-wasm's own kernels again. */
export function removeWasmOverrides(): void {
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  originals.clear();
}
