import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../src/shared/config';
import type { BatchSampler } from '../../src/shared/data-cursor';
import { learningRateAt } from '../../src/shared/lr-schedule';
import { Prng, deriveSeed } from '../../src/shared/prng';
import {
  NO_GUARD_STATE,
  type GuardState,
  type HostState,
  type Metrics,
} from '../../src/shared/snapshot';
import { adamInfo, createAdam, setLearningRate } from './adam-state';
import { batchLoss, batchSampler, hostBatch, trainsAllPositions } from './batches';
import { dropoutTensors } from './dropout';
import {
  bitsPerBytePerNat,
  evaluate,
  validationSet,
  type ValidationResult,
  type ValidationSet,
} from './evaluation';
import { createModel, type CharModel } from './models';
import { adamStep, globalNorm } from './ops';
import { generateSamples } from './sampling';
import type { TextDataset } from './text-dataset';

export const MAX_METRIC_ROWS = 4000;

type Rows = [number, number][];

/** What one step read back: its loss and gradient norm (before clipping), and its rate. */
export interface StepResult {
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly lr: number;
}

/**
 * One run's live training state: model, optimizer, data position, PRNG, metrics and the
 * divergence guard's state. Everything that decides the next step lives here, so a snapshot of
 * it is a complete resume point.
 */
export class TrainingSession {
  step = 0;
  trainingMs = 0;
  readonly train: Rows = [];
  readonly val: Rows = [];
  readonly gradNorm: Rows = [];
  guard: GuardState = NO_GUARD_STATE;
  /** The newest step's readout, for the guard and the progress events. */
  lastStep: StepResult | null = null;
  private poisonNext = false;
  private validation: ValidationSet | null = null;

  private constructor(
    readonly config: RunConfig,
    readonly dataset: TextDataset,
    readonly model: CharModel,
    private adam: tf.AdamOptimizer,
    private batches: BatchSampler,
    private rng: Prng,
  ) {}

  get optimizer(): tf.AdamOptimizer {
    return this.adam;
  }
  get sampler(): BatchSampler {
    return this.batches;
  }
  get prng(): Prng {
    return this.rng;
  }

  /** A fresh run: every initial weight is drawn from the run's seeded PRNG. */
  static create(config: RunConfig, dataset: TextDataset): TrainingSession {
    const prng = Prng.fromSeed(config.seed);
    const model = createModel(config, dataset.tokenizer.vocabSize, prng);
    const sampler = batchSampler(config, dataset);
    const adam = createAdam(config.lr, config);
    return new TrainingSession(config, dataset, model, adam, sampler, prng);
  }

  /** A session at a saved host state; the caller then restores the tensors. */
  static atState(config: RunConfig, dataset: TextDataset, state: HostState): TrainingSession {
    const model = createModel(config, dataset.tokenizer.vocabSize, null);
    const session = new TrainingSession(
      config,
      dataset,
      model,
      createAdam(state.optimizer.config.learningRate, config),
      batchSampler(config, dataset),
      Prng.fromState(state.prng),
    );
    session.setHost(state);
    session.trainingMs = state.trainingMs;
    return session;
  }

  /**
   * Puts the host side back at `state` (a rewind, or a resume), with a fresh Adam for the
   * caller to restore: exactly what a resume from that snapshot builds. Wall-clock training
   * time is not rewound: it was spent.
   */
  setHost(state: HostState): void {
    const guard = state.guard ?? NO_GUARD_STATE;
    this.step = state.step;
    this.guard = guard;
    this.batches = batchSampler(this.config, this.dataset, state.cursor, guard.skips);
    this.rng = Prng.fromState(state.prng);
    this.adam.dispose();
    this.adam = createAdam(state.optimizer.config.learningRate, this.config);
    const copy = (rows: Metrics['train']): Rows => rows.map(([s, l]) => [s, l]);
    this.train.splice(0, this.train.length, ...copy(state.metrics.train));
    this.val.splice(0, this.val.length, ...copy(state.metrics.val));
    this.gradNorm.splice(0, this.gradNorm.length, ...copy(state.metrics.gradNorm ?? []));
    this.lastStep = null;
    this.poisonNext = false;
  }

  /** Replaces the guard's state (after a rewind) and the sampler's skip list with it. */
  setGuard(guard: GuardState): void {
    this.guard = guard;
    this.batches = batchSampler(this.config, this.dataset, this.batches.position(), guard.skips);
  }

  /** Predictions a step trains on: every position of each window, or each window's last. */
  get tokensPerStep(): number {
    return this.config.batch * (trainsAllPositions(this.config) ? this.config.context : 1);
  }

  /** Tokens the run has trained on: a function of its step, so a rewind takes them back. */
  get tokensSeen(): number {
    return this.step * this.tokensPerStep;
  }

  /** The rate of step `step` (1-based): the schedule's, times the guard's factor. */
  learningRate(step: number): number {
    const scheduled = learningRateAt(this.config, step);
    return this.guard.lrScale === 1 ? scheduled : scheduled * this.guard.lrScale;
  }

  /** The next step's loss and gradients become NaN, as a poisoned batch makes them (debug). */
  poisonNextStep(): void {
    this.poisonNext = true;
  }

  /**
   * One optimizer step on the next batch; returns the batch's loss before the update. The
   * gradients are computed as tfjs's minimize() does and applied by the op layer's adamStep,
   * which is tfjs's Adam operation for operation (fused into one kernel per variable where the
   * backend has TpAdam), so an unclipped step is minimize()'s step bit for bit; their global
   * norm is read back in the same readback as the loss.
   */
  async trainStep(): Promise<number> {
    const started = performance.now();
    const examples = this.sampler.next();
    const batch = hostBatch(this.dataset, 'train', examples, this.config);
    const variables = this.model.variables.map((v) => v.variable);
    const lr = this.learningRate(this.step + 1);
    setLearningRate(this.adam, lr);
    const poison = this.poisonNext;
    this.poisonNext = false;
    const readout = tf.tidy(() => {
      const masks = dropoutTensors(this.config, this.sampler.lastBatch!, batch.rows);
      const { value, grads } = this.adam.computeGradients(() => {
        const loss = batchLoss(this.model, this.config, batch, masks);
        return poison ? tf.mul(loss, tf.scalar(NaN)) : loss;
      }, variables);
      const norm = globalNorm(grads);
      adamStep(this.adam, grads, {
        norm,
        clip: this.config.clip,
        weightDecay: this.config.weightDecay,
      });
      return tf.stack([value, norm]);
    });
    const [loss, gradNorm] = (await readout.data()) as Float32Array;
    readout.dispose();
    this.step += 1;
    this.trainingMs += performance.now() - started;
    this.lastStep = { step: this.step, loss: loss!, gradNorm: gradNorm!, lr };
    this.record(this.train, loss!);
    this.record(this.gradNorm, gradNorm!);
    return loss!;
  }

  /** Loss on a fixed slice of the validation split: no randomness, so it is reproducible. */
  async evaluate(): Promise<ValidationResult> {
    const result = await evaluate(this.model, this.config, this.validationSet());
    this.record(this.val, result.loss);
    return result;
  }

  /** Validation loss × this = bits per byte (evaluation.ts). */
  get bitsPerByteFactor(): number {
    return bitsPerBytePerNat(this.validationSet());
  }

  private validationSet(): ValidationSet {
    this.validation ??= validationSet(this.dataset, this.config);
    return this.validation;
  }

  /**
   * Samples from a PRNG derived from (seed, step), not the run's own stream: sampling happens
   * on a wall-clock timer, and must not change the training trajectory.
   */
  sample(count: number): Promise<string[]> {
    const prng = Prng.fromSeed(deriveSeed(this.config.seed, 0x5a3, this.step));
    return generateSamples(this.model, this.dataset, count, prng);
  }

  hostState(): HostState {
    const metrics: Metrics = {
      train: this.train.slice(),
      val: this.val.slice(),
      gradNorm: this.gradNorm.slice(),
    };
    return {
      step: this.step,
      cursor: this.sampler.position(),
      prng: this.prng.state(),
      optimizer: adamInfo(this.optimizer, this.config.lr, this.config),
      metrics,
      trainingMs: this.trainingMs,
      guard: this.guard,
    };
  }

  // Thins the oldest half when full: deterministic, and long runs keep a bounded curve.
  private record(rows: Rows, value: number): void {
    rows.push([this.step, value]);
    if (rows.length > MAX_METRIC_ROWS) {
      const kept = rows.filter((_, i) => i >= MAX_METRIC_ROWS / 2 || i % 2 === 0);
      rows.splice(0, rows.length, ...kept);
    }
  }

  dispose(): void {
    this.model.dispose();
    this.adam.dispose();
  }
}
