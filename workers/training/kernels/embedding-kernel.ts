import type * as tf from '@tensorflow/tfjs';
import { TP } from '../ops/kernel-names';
import { badEmbeddingId } from './kernel-checks';
import { requireDtype, requireShape, sizeOf, wasmCall, type KernelArgs } from './wasm-kernel-args';

/** Output: [...ids' shape, d]. `period` is the positions' row count (0: no positions). */
function embeddingForward(args: KernelArgs): tf.TensorInfo {
  const call = wasmCall(args);
  const { ids, table, positions } = args.inputs as Record<
    'ids' | 'table' | 'positions',
    tf.TensorInfo | undefined
  > & { ids: tf.TensorInfo; table: tf.TensorInfo };
  const { period } = args.attrs as unknown as { period: number };
  requireDtype(TP.embedding, 'ids', ids, 'int32');
  requireDtype(TP.embedding, 'table', table, 'float32');
  const [vocab, d] = table.shape as [number, number];
  if (positions !== undefined) {
    requireDtype(TP.embedding, 'positions', positions, 'float32');
    requireShape(TP.embedding, 'positions', positions, [ids.shape.at(-1)!, d]);
  }
  const rows = sizeOf(ids.shape);
  const out = call.output([...ids.shape, d]);
  const bad = call.kernels.embeddingForward(
    call.at(ids),
    call.at(table),
    positions === undefined ? 0 : call.at(positions),
    call.at(out),
    rows,
    positions === undefined ? 1 : period,
    d,
    vocab,
  );
  if (bad !== 0) {
    call.free(out);
    throw badEmbeddingId(bad - 1, vocab);
  }
  return out;
}

/** Outputs: dtable [vocab, d], then dpositions [period, d] when period > 0. */
function embeddingBackward(args: KernelArgs): tf.TensorInfo[] {
  const call = wasmCall(args);
  const { dy, ids } = args.inputs as Record<'dy' | 'ids', tf.TensorInfo>;
  const { vocab, period } = args.attrs as unknown as { vocab: number; period: number };
  const d = dy.shape.at(-1)!;
  const dtable = call.output([vocab, d]);
  const dpositions = period > 0 ? call.output([period, d]) : null;
  call.kernels.embeddingBackward(
    call.at(dy),
    call.at(ids),
    call.at(dtable),
    dpositions === null ? 0 : call.at(dpositions),
    sizeOf(ids.shape),
    Math.max(period, 1),
    d,
    vocab,
  );
  return dpositions === null ? [dtable] : [dtable, dpositions];
}

export const EMBEDDING_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.embedding, backendName: 'wasm', kernelFunc: embeddingForward },
  { kernelName: TP.embeddingGrad, backendName: 'wasm', kernelFunc: embeddingBackward },
];
