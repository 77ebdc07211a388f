import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelInstallError } from '../../../src/shared/kernel-errors';

type Ptr = number;

/**
 * The exports of the AssemblyScript module (kernels/assembly/): byte offsets of tfjs's tensors
 * in, results written there. Each is documented in its source file and in docs/KERNELS.md.
 */
export interface KernelExports {
  layerNormForward(
    x: Ptr,
    gamma: Ptr,
    beta: Ptr,
    y: Ptr,
    mean: Ptr,
    rstd: Ptr,
    rows: number,
    d: number,
    eps: number,
  ): void;
  layerNormBackward(
    dy: Ptr,
    x: Ptr,
    gamma: Ptr,
    mean: Ptr,
    rstd: Ptr,
    dx: Ptr,
    dgamma: Ptr,
    dbeta: Ptr,
    rows: number,
    d: number,
  ): void;
  geluForward(x: Ptr, y: Ptr, n: number): void;
  geluBackward(dy: Ptr, x: Ptr, dx: Ptr, n: number): void;
  attentionForward(
    qkv: Ptr,
    y: Ptr,
    probs: Ptr,
    batch: number,
    t: number,
    heads: number,
    hd: number,
    scale: number,
  ): void;
  attentionBackward(
    dy: Ptr,
    qkv: Ptr,
    probs: Ptr,
    dqkv: Ptr,
    scratch: Ptr,
    batch: number,
    t: number,
    heads: number,
    hd: number,
    scale: number,
  ): void;
  /** 0, or the first row (+ 1) whose target is outside [0, v). */
  crossEntropyForward(
    logits: Ptr,
    targets: Ptr,
    weights: Ptr,
    loss: Ptr,
    lse: Ptr,
    rows: number,
    v: number,
  ): number;
  crossEntropyBackward(
    dloss: Ptr,
    logits: Ptr,
    targets: Ptr,
    weights: Ptr,
    lse: Ptr,
    dlogits: Ptr,
    rows: number,
    v: number,
  ): void;
  /** 0, or the first row (+ 1) whose id is outside [0, vocab). */
  embeddingForward(
    ids: Ptr,
    table: Ptr,
    positions: Ptr,
    out: Ptr,
    rows: number,
    period: number,
    d: number,
    vocab: number,
  ): number;
  embeddingBackward(
    dy: Ptr,
    ids: Ptr,
    dtable: Ptr,
    dpositions: Ptr,
    rows: number,
    period: number,
    d: number,
    vocab: number,
  ): void;
  columnSum(x: Ptr, out: Ptr, rows: number, cols: number): void;
  sumSquares(x: Ptr, n: number): number;
  transpose2d(x: Ptr, out: Ptr, rows: number, cols: number): void;
  adamStep(
    p: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    outP: Ptr,
    outM: Ptr,
    outV: Ptr,
    n: number,
    accBeta1: Ptr,
    accBeta2: Ptr,
    scale: Ptr,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    epsilon: number,
    negLr: number,
    decay: number,
  ): void;
}

/**
 * The module's bytes for a memory kind: tfjs's single-threaded builds own a plain memory; its
 * threaded build's memory is shared, and a module importing it must declare it shared.
 */
export type LoadKernelBinary = (shared: boolean) => Promise<BufferSource>;

interface EmscriptenMemory {
  /** The threaded build's Module.wasmMemory (its pthreads need it). */
  wasmMemory?: WebAssembly.Memory;
  /** The single-threaded builds export their memory. */
  asm?: { memory?: WebAssembly.Memory };
}

const attached = new WeakMap<object, KernelExports>();

function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  const module = backend.wasm as unknown as EmscriptenMemory;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new KernelInstallError(
      'tfjs-backend-wasm does not expose its WebAssembly memory, so the custom kernels cannot run in it. Train without them (they are optional) or check the tfjs-backend-wasm version.',
    );
  }
  return memory;
}

/**
 * Instantiates the kernel module inside the running WASM backend's own memory, so kernels read
 * and write tfjs's tensors where they lie: no copies in or out. Idempotent per backend instance.
 */
export async function attachKernels(load: LoadKernelBinary): Promise<KernelExports> {
  if (tf.getBackend() !== 'wasm') {
    throw new KernelInstallError(
      `The custom WebAssembly kernels run on the wasm backend, not on "${tf.getBackend()}". Set the wasm backend first.`,
    );
  }
  const backend = tf.backend() as BackendWasm;
  const known = attached.get(backend);
  if (known !== undefined) return known;
  const memory = memoryOf(backend);
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = await load(shared);
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  attached.set(backend, exports);
  return exports;
}

/** The kernels attached to `backend`; a kernel called before attachKernels is a named error. */
export function kernelsOf(backend: object): KernelExports {
  const exports = attached.get(backend);
  if (exports === undefined) {
    throw new KernelInstallError(
      'The custom WebAssembly kernels are not attached to this wasm backend. Call installWasmKernels() after the backend has started.',
    );
  }
  return exports;
}

/** Where a tensor's data starts in the backend's memory, in bytes. */
export function offsetOf(backend: BackendWasm, tensor: tf.TensorInfo): number {
  return backend.dataIdMap.get(tensor.dataId)!.memoryOffset;
}
