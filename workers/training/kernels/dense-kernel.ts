import * as tf from '@tensorflow/tfjs';
import type { DenseAttrs } from '../ops/dense';
import { TP } from '../ops/kernel-names';
import { denseDims, requireDenseBias } from './kernel-checks';
import { requireDtype, wasmCall, type KernelArgs, type WasmCall } from './wasm-kernel-args';
import { tfjsWasmKernel } from './wasm-overrides';

// Every product here goes to tfjs-wasm's BatchMatMul or _FusedMatMul without a transpose flag
// and with batch 1, which is when tfjs-wasm hands it to XNNPACK (else it runs a scalar loop 8
// to 13× slower): a transposed operand is transposed first by our own SIMD kernel.

type Info = tf.TensorInfo;

const view = (t: Info, shape: number[]): Info => ({ dataId: t.dataId, shape, dtype: t.dtype });

function transposed(call: WasmCall, t: Info, rows: number, cols: number): Info {
  const out = call.output([cols, rows]);
  call.kernels.transpose2d(call.at(t), call.at(out), rows, cols);
  return out;
}

/**
 * a [m, k] · b [k, n] through XNNPACK (tfjs-wasm's own kernel), plus bias [n] when given. Both
 * kernels read their operands as [batch, rows, cols]: batch 1 here.
 */
function product(call: WasmCall, a: Info, b: Info, bias: Info | null): Info {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const inputs = { a: view(a, [1, m, k]), b: view(b, [1, k, n]) };
  const args = {
    backend: call.backend,
    attrs: { transposeA: false, transposeB: false, activation: 'linear' },
  };
  const out =
    bias === null
      ? tfjsWasmKernel('BatchMatMul')({ ...args, inputs })
      : tfjsWasmKernel('_FusedMatMul')({ ...args, inputs: { ...inputs, bias } });
  return view(out, [m, n]);
}

/** Output: y [...x's shape without its last axis, out]. */
function denseForward(args: KernelArgs): Info {
  const call = wasmCall(args);
  const { x, kernel, bias } = args.inputs as { x: Info; kernel: Info; bias?: Info };
  const { transposeKernel } = args.attrs as unknown as DenseAttrs;
  requireDtype(TP.dense, 'x', x, 'float32');
  requireDtype(TP.dense, 'kernel', kernel, 'float32');
  const { inDim, outDim, rows } = denseDims(x, kernel, transposeKernel);
  if (bias !== undefined) requireDenseBias(bias, outDim);
  const b = transposeKernel
    ? transposed(call, kernel, outDim, inDim)
    : view(kernel, [inDim, outDim]);
  const y = product(call, view(x, [rows, inDim]), b, bias ?? null);
  if (transposeKernel) call.free(b);
  return view(y, [...x.shape.slice(0, -1), outDim]);
}

/** Outputs: dx (x's shape), dkernel (kernel's shape), and dbias [out] when hasBias. */
function denseBackward(args: KernelArgs): Info[] {
  const call = wasmCall(args);
  const { dy, x, kernel } = args.inputs as Record<'dy' | 'x' | 'kernel', Info>;
  const { transposeKernel, hasBias } = args.attrs as unknown as DenseAttrs;
  const { inDim, outDim, rows } = denseDims(x, kernel, transposeKernel);
  const g = view(dy, [rows, outDim]);
  const xs = view(x, [rows, inDim]);
  let dx: Info;
  let dkernel: Info;
  if (transposeKernel) {
    // y = x · kᵀ, k [out, in]: dx = dy · k, dk = dyᵀ · x.
    dx = product(call, g, view(kernel, [outDim, inDim]), null);
    const gt = transposed(call, g, rows, outDim);
    dkernel = product(call, gt, xs, null);
    call.free(gt);
  } else {
    // y = x · k, k [in, out]: dx = dy · kᵀ, dk = xᵀ · dy.
    const kt = transposed(call, kernel, inDim, outDim);
    dx = product(call, g, kt, null);
    call.free(kt);
    const xt = transposed(call, xs, rows, inDim);
    dkernel = product(call, xt, g, null);
    call.free(xt);
  }
  const outputs = [view(dx, [...x.shape]), view(dkernel, [...kernel.shape])];
  if (hasBias) {
    const dbias = call.output([outDim]);
    call.kernels.columnSum(call.at(dy), call.at(dbias), rows, outDim);
    outputs.push(dbias);
  }
  return outputs;
}

export const DENSE_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.dense, backendName: 'wasm', kernelFunc: denseForward },
  { kernelName: TP.denseGrad, backendName: 'wasm', kernelFunc: denseBackward },
];
