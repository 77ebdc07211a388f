import * as tf from '@tensorflow/tfjs';
import { oneHotFloat } from './one-hot';
import { hasKernel, registerGradientOnce, runKernel } from './kernel-dispatch';
import { TP } from './kernel-names';

/**
 * The lookup as a one-hot matmul: tf.gather's gradient scatters with float atomics on WebGPU,
 * which makes its sums order-dependent; a matmul's gradient is deterministic.
 */
function embedComposite(ids: tf.Tensor, table: tf.Tensor2D): tf.Tensor {
  const vocab = table.shape[0];
  const flat = oneHotFloat(ids, vocab);
  return tf.reshape(tf.matMul(flat, table), [...ids.shape, table.shape[1]]);
}

registerGradientOnce({
  kernelName: TP.embedding,
  inputsToSave: ['ids', 'table'],
  gradFunc: (dy, saved, attrs) => {
    const [ids, table] = saved as [tf.Tensor, tf.Tensor];
    const { period } = attrs as unknown as { period: number };
    const [dtable, dpositions] = runKernel(
      TP.embeddingGrad,
      { dy: dy as tf.Tensor, ids },
      { vocab: table.shape[0], period },
    );
    return { table: () => dtable!, positions: () => dpositions! };
  },
});

/**
 * Rows of `table` [vocab, d] for integer `ids` [...] (→ [..., d]), plus `positions` [≥ t, d]
 * added by position along the ids' last axis (t) when given: token and position embeddings
 * together. TpEmbedding gathers rows, and its gradient adds dy's rows into the table's in row
 * order (deterministic, no atomics); the composite is a one-hot matmul and an add.
 */
export function embedTokens(
  ids: tf.Tensor,
  table: tf.Tensor2D,
  positions: tf.Tensor2D | null = null,
): tf.Tensor {
  const t = ids.shape.at(-1)!;
  const width = table.shape[1];
  const used =
    positions === null || positions.shape[0] === t
      ? positions
      : tf.slice(positions, [0, 0], [t, width]);
  if (!hasKernel(TP.embedding)) {
    const tokens = embedComposite(ids, table);
    return used === null ? tokens : tf.add(tokens, used);
  }
  const inputs: tf.NamedTensorMap =
    used === null ? { ids, table } : { ids, table, positions: used };
  return runKernel(TP.embedding, inputs, { period: used === null ? 0 : t })[0]!;
}
