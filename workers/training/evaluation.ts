import type { RunConfig } from '../../src/shared/config';
import { batchLoss, hostBatch, trainsAllPositions, type HostBatch } from './batches';
import type { CharModel } from './models';
import { windowStarts } from './prose-data';
import type { TextDataset } from './text-dataset';

/** Lines: the first 512 validation examples, in chunks of 256 (python/tabtrainer's too). */
export const VAL_EXAMPLES = 512;
export const VAL_CHUNK = 256;
/**
 * Prose: about 4,096 validation tokens (gpt-nano: 64 windows, a few percent of training's time
 * at one validation every 25 steps), in chunks of about 2,048.
 */
export const VAL_TOKENS = 4096;
export const VAL_CHUNK_TOKENS = 2048;

/**
 * The fixed part of the validation split a run is scored on: no randomness, so every
 * validation loss of a run is over the same targets. Each chunk's mean loss counts with its
 * `weight`: its number of targets, so the loss is per token (the transformer on lines keeps its
 * weighting by rows, as python/tabtrainer reproduces it: there it is per token only roughly).
 * Prose is scored on consecutive windows from the start of its validation tail, so their
 * targets are each token once. `tokens` and `bytes` count those targets and the text they stand
 * for, for bits per byte.
 */
export interface ValidationSet {
  readonly chunks: readonly { readonly batch: HostBatch; readonly weight: number }[];
  readonly tokens: number;
  readonly bytes: number;
}

export interface ValidationResult {
  /** Mean cross-entropy per target token, in nats. */
  readonly loss: number;
  /** The same in bits per byte of text: loss · tokens / (bytes · ln 2). */
  readonly bitsPerByte: number;
}

export function validationSet(data: TextDataset, config: RunConfig): ValidationSet {
  const all = trainsAllPositions(config);
  const { context } = config;
  const starts: number[] = [];
  let chunkRows: number;
  if (data.kind === 'lines') {
    const count = Math.min(VAL_EXAMPLES, data.val.targets.length);
    for (let i = 0; i < count; i++) starts.push(i);
    chunkRows = VAL_CHUNK;
  } else {
    const windows = Math.min(
      Math.floor((data.val.length - 1) / context),
      Math.ceil(VAL_TOKENS / context),
      windowStarts(data.val.length, context),
    );
    for (let k = 0; k < windows; k++) starts.push(k * context);
    chunkRows = Math.max(1, Math.floor(VAL_CHUNK_TOKENS / (all ? context : 1)));
  }
  const chunks = [];
  let tokens = 0;
  let bytes = 0;
  for (let s = 0; s < starts.length; s += chunkRows) {
    const batch = hostBatch(data, 'val', starts.slice(s, s + chunkRows), config);
    let counted = 0;
    for (let i = 0; i < batch.y.length; i++) {
      if (batch.mask !== null && batch.mask[i] === 0) continue;
      counted += 1;
      bytes += data.tokenizer.byteLength(batch.y[i]!);
    }
    tokens += counted;
    const byRows = data.kind === 'lines' && config.model === 'transformer';
    chunks.push({ batch, weight: byRows ? batch.rows : counted });
  }
  return { chunks, tokens, bytes };
}

export async function evaluate(
  model: CharModel,
  config: RunConfig,
  set: ValidationSet,
): Promise<ValidationResult> {
  let total = 0;
  let weights = 0;
  for (const { batch, weight } of set.chunks) {
    const loss = batchLoss(model, config, batch);
    total += (await loss.data())[0]! * weight;
    weights += weight;
    loss.dispose();
  }
  const mean = total / weights;
  return { loss: mean, bitsPerByte: mean * bitsPerBytePerNat(set) };
}

/** Nats per token to bits per byte of this set's targets. */
export function bitsPerBytePerNat(set: ValidationSet): number {
  return set.tokens / (set.bytes * Math.LN2);
}
