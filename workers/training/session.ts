import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import { BatchSampler } from '../../src/shared/data-cursor';
import { Prng, deriveSeed } from '../../src/shared/prng';
import type { HostState, Metrics } from '../../src/shared/snapshot';
import { adamInfo, createAdam } from './adam-state';
import { gatherBatch, type CharDataset, type Split } from './dataset';
import { crossEntropy } from './loss';
import { createModel, type CharModel } from './models';
import { generateSamples } from './sampling';

const MAX_METRIC_ROWS = 4000;
const VAL_EXAMPLES = 512;
const VAL_CHUNK = 256;

/**
 * One run's live training state: model, optimizer, data position, PRNG and metrics. Everything
 * that decides the next step lives here, so a snapshot of it is a complete resume point.
 */
export class TrainingSession {
  step = 0;
  trainingMs = 0;
  readonly train: [number, number][] = [];
  readonly val: [number, number][] = [];

  private constructor(
    readonly config: RunConfig,
    readonly dataset: CharDataset,
    readonly model: CharModel,
    readonly optimizer: tf.AdamOptimizer,
    readonly sampler: BatchSampler,
    readonly prng: Prng,
  ) {}

  /** A fresh run: every initial weight is drawn from the run's seeded PRNG. */
  static create(config: RunConfig, dataset: CharDataset): TrainingSession {
    const prng = Prng.fromSeed(config.seed);
    const model = createModel(config, dataset.vocab.length, prng);
    const sampler = new BatchSampler(config.seed, dataset.train.targets.length, config.batch);
    return new TrainingSession(config, dataset, model, createAdam(config.lr), sampler, prng);
  }

  /** A session at a saved host state; the caller then restores the tensors. */
  static atState(config: RunConfig, dataset: CharDataset, state: HostState): TrainingSession {
    const model = createModel(config, dataset.vocab.length, null);
    const sampler = new BatchSampler(
      config.seed,
      dataset.train.targets.length,
      config.batch,
      state.cursor,
    );
    const session = new TrainingSession(
      config,
      dataset,
      model,
      createAdam(state.optimizer.config.learningRate),
      sampler,
      Prng.fromState(state.prng),
    );
    session.step = state.step;
    session.trainingMs = state.trainingMs;
    session.train.push(...state.metrics.train.map(([s, l]) => [s, l] as [number, number]));
    session.val.push(...state.metrics.val.map(([s, l]) => [s, l] as [number, number]));
    return session;
  }

  get tokensPerStep(): number {
    return this.config.batch * (this.config.model === 'transformer' ? this.config.context : 1);
  }

  private batchLoss(split: Split, examples: ArrayLike<number>): tf.Scalar {
    const allPositions = this.config.model === 'transformer';
    const { x, y, mask } = gatherBatch(split, examples, this.config.context, allPositions);
    return tf.tidy(() => {
      const xt = tf.tensor2d(x, [examples.length, this.config.context], 'int32');
      const yt = tf.tensor(
        y,
        allPositions ? [examples.length, this.config.context] : [examples.length],
        'int32',
      );
      const mt = mask === null ? null : tf.tensor(mask, [examples.length, this.config.context]);
      return crossEntropy(this.model.logits(xt), yt, mt);
    });
  }

  /** One optimizer step on the next batch; returns the batch's loss before the update. */
  async trainStep(): Promise<number> {
    const started = performance.now();
    const examples = this.sampler.next();
    const variables = this.model.variables.map((v) => v.variable);
    const cost = tf.tidy(
      () =>
        this.optimizer.minimize(
          () => this.batchLoss(this.dataset.train, examples),
          true,
          variables,
        ) as tf.Scalar,
    );
    const loss = (await cost.data())[0]!;
    cost.dispose();
    this.step += 1;
    this.trainingMs += performance.now() - started;
    this.record(this.train, loss);
    return loss;
  }

  /** Loss on a fixed slice of the validation split: no randomness, so it is reproducible. */
  async evaluate(): Promise<number> {
    const count = Math.min(VAL_EXAMPLES, this.dataset.val.targets.length);
    let total = 0;
    for (let start = 0; start < count; start += VAL_CHUNK) {
      const rows = Math.min(VAL_CHUNK, count - start);
      const examples = Array.from({ length: rows }, (_, i) => start + i);
      const loss = this.batchLoss(this.dataset.val, examples);
      total += (await loss.data())[0]! * rows;
      loss.dispose();
    }
    const mean = total / count;
    this.record(this.val, mean);
    return mean;
  }

  /**
   * Samples from a PRNG derived from (seed, step), not the run's own stream: sampling happens
   * on a wall-clock timer, and must not change the training trajectory.
   */
  sample(count: number): Promise<string[]> {
    const prng = Prng.fromSeed(deriveSeed(this.config.seed, 0x5a3, this.step));
    return generateSamples(this.model, this.dataset.vocab, count, prng);
  }

  hostState(): HostState {
    const metrics: Metrics = { train: this.train.slice(), val: this.val.slice() };
    return {
      step: this.step,
      cursor: this.sampler.position(),
      prng: this.prng.state(),
      optimizer: adamInfo(this.optimizer, this.config.lr),
      metrics,
      trainingMs: this.trainingMs,
    };
  }

  // Thins the oldest half when full: deterministic, and long runs keep a bounded curve.
  private record(rows: [number, number][], loss: number): void {
    rows.push([this.step, loss]);
    if (rows.length > MAX_METRIC_ROWS) {
      const kept = rows.filter((_, i) => i >= MAX_METRIC_ROWS / 2 || i % 2 === 0);
      rows.splice(0, rows.length, ...kept);
    }
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}
