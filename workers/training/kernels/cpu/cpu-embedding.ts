import type * as tf from '@tensorflow/tfjs';
import { TP } from '../../ops/kernel-names';
import { badEmbeddingId, requireDtype, requireShape, sizeOf } from '../kernel-checks';
import { cpuCall, type KernelArgs } from './cpu-kernel-args';
import { K_BLOCK } from './cpu-product-rows';

// The same bits as the composite on tfjs-cpu (a one-hot matmul, then tf.add of the positions):
// forward, a row of the table is what the one-hot product gives (x + 0, which turns -0 into
// +0 as that sum does), plus the position's row; backward, the table's gradient is that
// product's (a one-hot transposed times dy: each row's k-sum in blocks of K_BLOCK ids, each
// block in a double, added into float32 in block order) made as a scatter of dy's rows, and the
// positions' gradient is tf.add's broadcast sum (a double per column, in row order).

/** Output: [...ids' shape, d]. `period` is the positions' row count (0: no positions). */
function embeddingForward(args: KernelArgs): tf.TensorInfo {
  const call = cpuCall(args);
  const { ids, table, positions } = args.inputs as Record<'ids' | 'table', tf.TensorInfo> & {
    positions?: tf.TensorInfo;
  };
  const { period } = args.attrs as unknown as { period: number };
  requireDtype(TP.embedding, 'ids', ids, 'int32');
  requireDtype(TP.embedding, 'table', table, 'float32');
  const [vocab, d] = table.shape as [number, number];
  if (positions !== undefined) {
    requireDtype(TP.embedding, 'positions', positions, 'float32');
    requireShape(TP.embedding, 'positions', positions, [ids.shape.at(-1)!, d]);
  }
  const idv = call.ints(ids);
  const tv = call.floats(table);
  const pv = positions === undefined ? null : call.floats(positions);
  const rows = sizeOf(ids.shape);
  const out = new Float32Array(rows * d);
  for (let n = 0; n < rows; n++) {
    const v = idv[n]!;
    if (!(v >= 0 && v < vocab)) throw badEmbeddingId(n, vocab);
    const to = v * d;
    const oo = n * d;
    if (pv === null) {
      for (let c = 0; c < d; c++) out[oo + c] = tv[to + c]! + 0;
    } else {
      const po = (n % period) * d;
      for (let c = 0; c < d; c++) out[oo + c] = Math.fround(tv[to + c]! + 0) + pv[po + c]!;
    }
  }
  return call.output([...ids.shape, d], out);
}

/** dtable [vocab, d]: the one-hot product's gradient, as a scatter of dy's rows. */
function tableGradient(dy: Float32Array, ids: Int32Array, vocab: number, d: number) {
  const rows = ids.length;
  const dtable = new Float32Array(vocab * d);
  const acc = new Float64Array(vocab * d);
  const touched = new Uint8Array(vocab);
  const used = new Int32Array(K_BLOCK);
  for (let n0 = 0; n0 < rows; n0 += K_BLOCK) {
    const end = Math.min(n0 + K_BLOCK, rows);
    let count = 0;
    for (let n = n0; n < end; n++) {
      const v = ids[n]!;
      if (touched[v] === 0) {
        touched[v] = 1;
        used[count++] = v;
      }
      const o = v * d;
      const go = n * d;
      for (let c = 0; c < d; c++) acc[o + c] += dy[go + c]!;
    }
    // A row no id of the block touched would add +0: nothing.
    for (let u = 0; u < count; u++) {
      const v = used[u]!;
      const o = v * d;
      for (let c = 0; c < d; c++) {
        dtable[o + c] += acc[o + c]!;
        acc[o + c] = 0;
      }
      touched[v] = 0;
    }
  }
  return dtable;
}

/** Outputs: dtable [vocab, d], then dpositions [period, d] when period > 0. */
function embeddingBackward(args: KernelArgs): tf.TensorInfo[] {
  const call = cpuCall(args);
  const { dy, ids } = args.inputs as Record<'dy' | 'ids', tf.TensorInfo>;
  const { vocab, period } = args.attrs as unknown as { vocab: number; period: number };
  const d = dy.shape.at(-1)!;
  const g = call.floats(dy);
  const idv = call.ints(ids);
  const outputs = [call.output([vocab, d], tableGradient(g, idv, vocab, d))];
  if (period > 0) {
    const acc = new Float64Array(period * d);
    for (let n = 0; n < idv.length; n++) {
      const po = (n % period) * d;
      const go = n * d;
      for (let c = 0; c < d; c++) acc[po + c] += g[go + c]!;
    }
    outputs.push(call.output([period, d], Float32Array.from(acc)));
  }
  return outputs;
}

export const CPU_EMBEDDING_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.embedding, backendName: 'cpu', kernelFunc: embeddingForward },
  { kernelName: TP.embeddingGrad, backendName: 'cpu', kernelFunc: embeddingBackward },
];
