import { BACKENDS, validateConfig, type BackendName, type RunConfig } from '../config';
import { CheckpointMismatchError, ConfigError } from '../errors';
import type {
  GuardState,
  HostState,
  OptimizerInfo,
  SnapshotManifest,
  StateBackend,
} from '../snapshot';
import { NO_GUARD_STATE } from '../snapshot';
import { format3Config, formatVersionFor } from './format-choice';
import { formatTag } from './format-version';
import {
  badField,
  isFiniteNumber,
  metaCount,
  metaCursor,
  metaDataset,
  metaGuard,
  metaJson,
  metaMetrics,
  metaOptimizer,
  metaPrng,
  metaSha256,
  metaText,
  type Metadata,
} from './metadata-fields';
import { EXPORT_AGAIN } from './refusal-text';
import { describeTokenizer } from './tokenizer-meta';

/** A file the Python bridge trained on says so: `torch-cpu`, `torch-cuda`. */
const TORCH_BACKEND = /^torch-[a-z0-9]+$/;

/**
 * The host state a checkpoint's metadata carries, in the shapes the snapshot store uses: the
 * whole HostState (a field added there must be carried here too) and the manifest's run facts.
 */
export interface CheckpointMetadata
  extends
    HostState,
    Pick<
      SnapshotManifest,
      'config' | 'dataset' | 'backend' | 'appVersion' | 'tfjsVersion' | 'createdAt' | 'valLoss'
    > {
  readonly runName: string;
  /** Tensor name -> lowercase hex SHA-256 of its bytes. */
  readonly sha256: ReadonlyMap<string, string>;
  readonly guard: GuardState;
}

/**
 * The metadata of the version the run needs (format-choice.ts); every value a string, structured
 * ones JSON (safetensors' rule).
 */
export function encodeCheckpointMetadata(
  m: SnapshotManifest,
  runName: string,
): Record<string, string> {
  const version = formatVersionFor(m.config);
  return {
    format: formatTag(version),
    step: JSON.stringify(m.step),
    epoch: JSON.stringify(m.cursor.epoch),
    config: JSON.stringify(version === 3 ? format3Config(m.config) : m.config),
    dataset: JSON.stringify(m.dataset),
    optimizer: JSON.stringify(m.optimizer),
    rng: JSON.stringify(m.prng),
    data_cursor: JSON.stringify(m.cursor),
    metrics: JSON.stringify(m.metrics),
    created_at: new Date(m.createdAt).toISOString(),
    sha256: JSON.stringify(Object.fromEntries(m.tensors.map((t) => [t.name, t.sha256]))),
    app_version: m.appVersion,
    tfjs_version: m.tfjsVersion,
    backend: m.backend,
    training_ms: JSON.stringify(m.trainingMs),
    run_name: runName,
    val_loss: JSON.stringify(m.valLoss),
    // JSON has no NaN: a non-finite spike's loss or norm is written as null.
    guard: JSON.stringify(m.guard ?? NO_GUARD_STATE),
    ...(version === 3 ? {} : { tokenizer: describeTokenizer(m.config, m.dataset.vocab) }),
  };
}

function metaConfig(meta: Metadata): RunConfig {
  try {
    return validateConfig(metaJson(meta, 'config'));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new CheckpointMismatchError(
      `The checkpoint's run config is not one this app can run: ${err.message} It may come from ` +
        `a newer version of the app (reload the page to update), or the file was edited. ` +
        EXPORT_AGAIN,
    );
  }
}

/** The optimizer the file describes must be the one its config trains with. */
function checkOptimizer(config: RunConfig, optimizer: OptimizerInfo): void {
  const { beta1, beta2, weightDecay } = optimizer.config;
  const decay = optimizer.className === 'AdamW' ? weightDecay : 0;
  if (beta1 !== config.beta1 || beta2 !== config.beta2 || decay !== config.weightDecay) {
    throw new CheckpointMismatchError(
      `The checkpoint's optimizer (${optimizer.className}, betas ${beta1} and ${beta2}, weight ` +
        `decay ${decay ?? 0}) is not the one its run config trains with (betas ${config.beta1} ` +
        `and ${config.beta2}, weight decay ${config.weightDecay}). ${EXPORT_AGAIN}`,
    );
  }
}

/** Reads current-version metadata; older versions are migrated to it first. */
export function decodeCheckpointMetadata(meta: Metadata): CheckpointMetadata {
  const config = metaConfig(meta);
  const cursor = metaCursor(meta, 'data_cursor');
  if (metaCount(meta, 'epoch') !== cursor.epoch) {
    throw badField('epoch', `disagrees with data_cursor's epoch ${cursor.epoch}`);
  }
  const backend = metaText(meta, 'backend');
  if (!BACKENDS.includes(backend as BackendName) && !TORCH_BACKEND.test(backend)) {
    throw badField('backend', `must be one of ${BACKENDS.join(', ')} or torch-<device>`);
  }
  const createdAt = Date.parse(metaText(meta, 'created_at'));
  if (!Number.isFinite(createdAt)) throw badField('created_at', 'must be an ISO date');
  const trainingMs = metaJson(meta, 'training_ms');
  if (!isFiniteNumber(trainingMs) || trainingMs < 0) {
    throw badField('training_ms', 'must be a number of at least 0');
  }
  const valLoss = metaJson(meta, 'val_loss');
  if (valLoss !== null && typeof valLoss !== 'number') {
    throw badField('val_loss', 'must be a number or null');
  }
  const optimizer = metaOptimizer(meta, 'optimizer');
  checkOptimizer(config, optimizer);
  // Byte and BPE tokens have no alphabet; a BPE's tokenizer.json travels in the dataset info.
  const minVocab = config.tokens !== 'char' ? 0 : config.text === 'lines' ? 2 : 1;
  const dataset = metaDataset(meta, 'dataset', minVocab);
  if ((config.tokens === 'bpe') !== (dataset.tokenizer !== undefined)) {
    throw badField(
      'dataset',
      'must carry a tokenizer.json exactly when the run config says tokens=bpe',
    );
  }
  if (metaText(meta, 'tokenizer') !== describeTokenizer(config, dataset.vocab)) {
    throw badField(
      'tokenizer',
      `disagrees with the run config and the dataset's alphabet (it must be ${describeTokenizer(config, dataset.vocab)})`,
    );
  }
  return {
    step: metaCount(meta, 'step'),
    cursor,
    prng: metaPrng(meta, 'rng'),
    optimizer,
    metrics: metaMetrics(meta, 'metrics'),
    trainingMs,
    config,
    dataset,
    backend: backend as StateBackend,
    appVersion: metaText(meta, 'app_version'),
    tfjsVersion: metaText(meta, 'tfjs_version'),
    createdAt,
    runName: metaText(meta, 'run_name'),
    valLoss,
    sha256: metaSha256(meta, 'sha256'),
    guard: metaGuard(meta, 'guard'),
  };
}
