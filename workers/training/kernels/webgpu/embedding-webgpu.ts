import type * as tf from '@tensorflow/tfjs';
import { KernelInputError } from '../../../../src/shared/kernel-errors';
import { TP } from '../../ops/kernel-names';
import { requireDtype, requireShape, sizeOf, type KernelArgs } from '../wasm-kernel-args';
import {
  dispatch,
  flatIndexWgsl,
  flatWorkgroups,
  output,
  release,
  webgpuOf,
  type Field,
  type WebGpuInternals,
} from './gpu-program';

const GROUP = 64;

/**
 * Ids still on the host (a batch not yet uploaded, the usual case) are checked here, as on
 * WASM; ids already on the GPU cannot be read without waiting for it: a bad one there gives
 * NaN rows, which the divergence guard reports.
 */
function checkIds(gpu: WebGpuInternals, ids: tf.TensorInfo, vocab: number): void {
  const values = gpu.tensorMap.get(ids.dataId)?.values as ArrayLike<number> | null | undefined;
  if (values === null || values === undefined) return;
  for (let n = 0; n < values.length; n++) {
    const id = values[n]!;
    if (id < 0 || id >= vocab) {
      throw new KernelInputError(
        `${TP.embedding}: the id at position ${n} is outside the table's ${vocab} rows. Pass ids in [0, ${vocab}).`,
      );
    }
  }
}

// One invocation per output element: the table's row for the id, plus the position's row.
const forwardBody = (withPositions: boolean) => () => `${flatIndexWgsl(GROUP)}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= u.n) { return; }
  let row = i / u.d;
  let c = i % u.d;
  let id = ids[row];
  var value = u.nan;
  if (id >= 0 && u32(id) < u.vocab) { value = table[u32(id) * u.d + c]; }
  ${withPositions ? 'value = value + positions[(row % u.period) * u.d + c];' : ''}
  result[i] = value;
}`;

// The rows grouped by id, ascending within each (a stable counting sort, one invocation: a
// batch's ids are few): rowsById[start[v] .. start[v + 1]) are the rows whose id is v. An id
// outside the table joins no group (its forward already gave NaN).
const groupBody = () => `
@compute @workgroup_size(1)
fn main() {
  for (var v = 0u; v <= u.vocab; v++) { start[v] = 0; }
  for (var n = 0u; n < u.rows; n++) {
    let id = ids[n];
    if (id >= 0 && u32(id) < u.vocab) { start[u32(id) + 1u] += 1; }
  }
  for (var v = 0u; v < u.vocab; v++) { start[v + 1u] += start[v]; }
  for (var n = 0u; n < u.rows; n++) {
    let id = ids[n];
    if (id >= 0 && u32(id) < u.vocab) {
      let at = start[u32(id)];
      rowsById[at] = i32(n);
      start[u32(id)] = at + 1;
    }
  }
  for (var v = u.vocab; v > 0u; v--) { start[v] = start[v - 1u]; }
  start[0] = 0;
}`;

// Invocations [0, vocab·d) make dtable[v, c] = Σ dy[n, c] over the rows n whose id is v, n
// ascending; the next period·d make dpositions[p, c] over n ≡ p (mod period), n ascending.
// A deterministic scatter: each sum has one owner, no atomics.
const backwardBody = (withPositions: boolean) => () => `${flatIndexWgsl(GROUP)}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  let tableSize = u.vocab * u.d;
  if (i < tableSize) {
    let v = i / u.d;
    let c = i % u.d;
    var sum = 0.0;
    for (var k = start[v]; k < start[v + 1u]; k++) { sum += dy[u32(rowsById[k]) * u.d + c]; }
    dtable[i] = sum;
    return;
  }
  ${
    withPositions
      ? `let j = i - tableSize;
  if (j >= u.period * u.d) { return; }
  let p = j / u.d;
  let c = j % u.d;
  var sum = 0.0;
  for (var n = p; n < u.rows; n += u.period) { sum += dy[n * u.d + c]; }
  dpositions[j] = sum;`
      : ''
  }
}`;

/** Output: [...ids' shape, d]. `period` is the positions' row count (0: no positions). */
function embeddingForward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const gpu = webgpuOf(backend);
  const { ids, table, positions } = inputs as { ids: tf.TensorInfo; table: tf.TensorInfo } & {
    positions?: tf.TensorInfo;
  };
  const { period } = attrs as unknown as { period: number };
  requireDtype(TP.embedding, 'ids', ids, 'int32');
  requireDtype(TP.embedding, 'table', table, 'float32');
  const [vocab, d] = table.shape as [number, number];
  if (positions !== undefined) {
    requireDtype(TP.embedding, 'positions', positions, 'float32');
    requireShape(TP.embedding, 'positions', positions, [ids.shape.at(-1)!, d]);
  }
  checkIds(gpu, ids, vocab);
  const n = sizeOf(ids.shape) * d;
  const out = output(gpu, [...ids.shape, d]);
  if (n === 0) return out;
  const withPositions = positions !== undefined;
  dispatch(gpu, {
    key: `TpEmbedding${withPositions ? '.positions' : ''}`,
    body: forwardBody(withPositions),
    outputs: { result: out },
    inputs: withPositions ? { ids, table, positions } : { ids, table },
    fields: [
      ['n', 'u32', n],
      ['d', 'u32', d],
      ['vocab', 'u32', vocab],
      ['period', 'u32', Math.max(period, 1)],
      // NaN from a uniform: WGSL refuses a constant expression that evaluates to NaN.
      ['nan', 'f32', NaN],
    ],
    workgroups: flatWorkgroups(n, GROUP),
  });
  return out;
}

/** Outputs: dtable [vocab, d], then dpositions [period, d] when period > 0. */
function embeddingBackward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const gpu = webgpuOf(backend);
  const { dy, ids } = inputs as Record<'dy' | 'ids', tf.TensorInfo>;
  const { vocab, period } = attrs as unknown as { vocab: number; period: number };
  const d = dy.shape.at(-1)!;
  const dtable = output(gpu, [vocab, d]);
  const dpositions = period > 0 ? output(gpu, [period, d]) : null;
  const outs = dpositions === null ? [dtable] : [dtable, dpositions];
  const count = (vocab + Math.max(period, 0)) * d;
  if (count === 0) return outs;
  const rows = sizeOf(ids.shape);
  const start = output(gpu, [vocab + 1], 'int32');
  const rowsById = output(gpu, [Math.max(rows, 1)], 'int32');
  const fields: Field[] = [
    ['rows', 'u32', rows],
    ['d', 'u32', d],
    ['vocab', 'u32', vocab],
    ['period', 'u32', Math.max(period, 1)],
  ];
  dispatch(gpu, {
    key: 'TpEmbeddingGrad.group',
    body: groupBody,
    outputs: { start, rowsById },
    inputs: { ids },
    fields,
    workgroups: [1, 1, 1],
  });
  dispatch(gpu, {
    key: `TpEmbeddingGrad${dpositions === null ? '' : '.positions'}`,
    body: backwardBody(dpositions !== null),
    outputs: dpositions === null ? { dtable } : { dtable, dpositions },
    inputs: { dy, start, rowsById },
    fields,
    workgroups: flatWorkgroups(count, GROUP),
  });
  release(gpu, start);
  release(gpu, rowsById);
  return outs;
}

export const EMBEDDING_WEBGPU_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: TP.embedding, backendName: 'webgpu', kernelFunc: embeddingForward },
  { kernelName: TP.embeddingGrad, backendName: 'webgpu', kernelFunc: embeddingBackward },
];
