import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { format3Config } from '../../src/shared/checkpoint/format-choice';
import type { RunConfig } from '../../src/shared/config';
import { BatchSampler, epochPermutation } from '../../src/shared/data-cursor';
import { learningRateAt } from '../../src/shared/lr-schedule';
import { Prng, deriveSeed } from '../../src/shared/prng';
import { gatherBatch, type LinesDataset } from '../../workers/training/dataset';
import { crossEntropy } from '../../workers/training/loss';
import { loadDataset, type LoadedDataset } from '../../workers/training/run-setup';
import { TrainingSession } from '../../workers/training/session';
import names from '../../workers/training/names.txt?raw';
import { GOLDEN_GUARD, GOLDEN_MLP, GOLDEN_TRANSFORMER } from './golden-configs';
import { compareOrWrite, compareOrWriteJson } from './golden-files';
import { GuardedRun } from './guard-fixtures';
import { sessionCheckpoint } from './session-checkpoint';
import { useCpuBackend } from './tf-setup';

/**
 * Golden vectors for the Python bridge (python/tests) of the character-level runs, format 3:
 * see golden-files.ts; gpt's, prose's and dropout's are python-golden-gpt.test.ts.
 */
const TEXT_FILE = 'tests/fixtures/text/greek-words.txt';
const text = readFileSync(resolve(__dirname, '../..', TEXT_FILE), 'utf8');
// python/tabtrainer reads format-3 configs: the vectors keep that key set (format-choice.ts).
const START_STEP = 20;
const CONTINUE_STEPS = 200;

let greek: LoadedDataset<LinesDataset>;
beforeAll(async () => {
  await useCpuBackend();
  greek = await loadDataset('greek-words.txt', text);
});

describe('golden vectors for python/tests', () => {
  it('PRNG, dataset and epoch permutations', async () => {
    const seeded = (seed: number) => {
      const prng = Prng.fromSeed(seed);
      return Array.from({ length: 8 }, () => prng.nextUint32());
    };
    const ints = Prng.fromSeed(99);
    const bundled = await loadDataset('names', names);
    const size = greek.info.trainExamples;
    const perm = epochPermutation(3, 1, size);
    const { train } = greek.data;
    compareOrWriteJson('data.json', {
      prng: {
        fromSeed: { '1': seeded(1), '3735928559': seeded(0xdeadbeef) },
        derive: [
          [[1, 0xe90c, 0], deriveSeed(1, 0xe90c, 0)],
          [[7, 0x5a3, 100], deriveSeed(7, 0x5a3, 100)],
          [[0xffffffff, 0], deriveSeed(0xffffffff, 0)],
        ],
        nextInt: {
          seed: 99,
          n: [1, 7, 1000, 2 ** 31 + 1],
          values: [1, 7, 1000, 2 ** 31 + 1].map((n) => ints.nextInt(n)),
        },
      },
      dataset: {
        file: TEXT_FILE,
        info: greek.info,
        trainTokensHead: Array.from(train.tokens.slice(0, 48)),
        trainDocStartHead: Array.from(train.docStart.slice(0, 48)),
        trainTargetsHead: Array.from(train.targets.slice(0, 48)),
        valTokensHead: Array.from(greek.data.val.tokens.slice(0, 48)),
      },
      names: bundled.info,
      permutation: {
        seed: 3,
        epoch: 1,
        size,
        head: Array.from(perm.slice(0, 64)),
        sum: perm.reduce((a, b) => a + b * b, 0),
      },
    });
  });

  it('batches of both models across an epoch boundary', () => {
    const batches = (config: RunConfig) => {
      const size = greek.info.trainExamples;
      // Two batches before the end of epoch 0: the next four cross into epoch 1.
      const cursor = { epoch: 0, index: size - (size % config.batch) - 2 * config.batch };
      const sampler = new BatchSampler(config.seed, size, config.batch, cursor);
      const steps = Array.from({ length: 4 }, () => {
        const examples = sampler.next();
        const { x, y, mask } = gatherBatch(
          greek.data.train,
          examples,
          config.context,
          config.model === 'transformer',
        );
        return {
          examples: Array.from(examples),
          x: Array.from(x),
          y: Array.from(y),
          mask: mask === null ? null : Array.from(mask),
          cursor: sampler.position(),
        };
      });
      return { config: format3Config(config), start: cursor, steps };
    };
    // The guard's skip list: the last batch of epoch 0 and the first two of epoch 1 are passed
    // over, then a second window right after the first (chained), then one past the draws.
    const size = greek.info.trainExamples;
    const { batch, seed } = GOLDEN_MLP;
    const perEpoch = Math.floor(size / batch);
    const skips = [
      { fromBatch: perEpoch - 1, toBatch: perEpoch + 2 },
      { fromBatch: perEpoch + 2, toBatch: perEpoch + 3 },
      { fromBatch: perEpoch + 5, toBatch: perEpoch + 6 },
    ];
    const start = { epoch: 0, index: (perEpoch - 3) * batch };
    const sampler = new BatchSampler(seed, size, batch, start, skips);
    const draws = Array.from({ length: 6 }, () => {
      const examples = Array.from(sampler.next());
      return { examples, batch: sampler.lastBatch, cursor: sampler.position() };
    });
    compareOrWriteJson('batches.json', {
      mlp: batches({ ...GOLDEN_MLP, context: 5 }),
      transformer: batches({ ...GOLDEN_TRANSFORMER, context: 6 }),
      skips: { seed, size, batch, start, skips, draws },
    });
  });

  it('learning-rate schedules at known steps', () => {
    const base = { lr: 0.003, minLr: 0.0001, steps: 1000 };
    const configs = [
      { ...base, schedule: 'constant', warmup: 0, decaySteps: 0 },
      { ...base, schedule: 'constant', warmup: 7, decaySteps: 0 },
      { ...base, schedule: 'cosine', warmup: 10, decaySteps: 0 },
      { ...base, schedule: 'cosine', warmup: 0, decaySteps: 333 },
      { ...base, schedule: 'cosine', warmup: 25, decaySteps: 300, minLr: 0 },
    ] as const;
    const steps = [
      0, 1, 2, 6, 7, 8, 10, 11, 25, 26, 100, 166, 299, 300, 332, 333, 500, 999, 1000, 1001,
    ];
    compareOrWriteJson('schedule.json', {
      steps,
      cases: configs.map((config) => ({
        config,
        // The float64 rate, and the float32 scalar tfjs's Adam multiplies by.
        rates: steps.map((step) => learningRateAt(config, step)),
        float32: steps.map((step) => Math.fround(learningRateAt(config, step))),
      })),
    });
  });

  it('a guarded, scheduled, clipped run rewinds a poisoned step', async () => {
    const run = await GuardedRun.create(GOLDEN_GUARD, 5);
    await run.train((_, session) => session.step >= 10);
    compareOrWrite(
      'guard-start.safetensors',
      await sessionCheckpoint(run.session, run.dataset.info),
    );
    run.poisonAfter.add(17);
    const end = await run.train((_, session) => session.step >= 40);
    expect(end).toBeNull();
    const { session } = run;
    expect(session.guard.rewinds.length).toBe(1);
    compareOrWriteJson('guard.json', {
      config: format3Config(GOLDEN_GUARD),
      text: 'workers/training/names.txt',
      startStep: 10,
      poisonStep: 18,
      snapshotEvery: 5,
      step: session.step,
      cursor: session.sampler.position(),
      iterations: session.optimizer.iterations,
      // Snapshot ids are random: the rewind's target is named by its step.
      guard: {
        ...session.guard,
        rewinds: session.guard.rewinds.map((r) => ({ ...r, toSnapshotId: `step ${r.toStep}` })),
      },
      train: session.train,
      gradNorm: session.gradNorm,
    });
    run.dispose();
  });

  for (const [kind, config] of [
    ['mlp', GOLDEN_MLP],
    ['transformer', GOLDEN_TRANSFORMER],
  ] as const) {
    it(`${kind}: logits, loss and gradients at a checkpoint, and ${CONTINUE_STEPS} steps on from it`, async () => {
      const session = TrainingSession.create(config, greek.data);
      for (let i = 0; i < START_STEP; i++) await session.trainStep();
      compareOrWrite(`${kind}-start.safetensors`, await sessionCheckpoint(session, greek.info));

      // The next batch's forward and backward pass, before the step that uses it.
      const peek = new BatchSampler(
        config.seed,
        greek.info.trainExamples,
        config.batch,
        session.sampler.position(),
      );
      const examples = peek.next();
      const all = config.model === 'transformer';
      const { x, y, mask } = gatherBatch(greek.data.train, examples, config.context, all);
      const shape = all ? [config.batch, config.context] : [config.batch];
      const xt = tf.tensor2d(x, [config.batch, config.context], 'int32');
      const yt = tf.tensor(y, shape, 'int32');
      const mt = mask === null ? null : tf.tensor(mask, shape);
      const logits = session.model.logits(xt);
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(session.model.logits(xt), yt, mt),
        session.model.variables.map((v) => v.variable),
      );
      const gradients: Record<string, number[]> = {};
      for (const { name, variable } of session.model.variables) {
        gradients[name] = Array.from(await grads[variable.name]!.data());
      }
      const math = {
        examples: Array.from(examples),
        logits: Array.from(await logits.data()),
        loss: (await value.data())[0],
        gradients,
      };
      tf.dispose([xt, yt, mt, logits, value, ...Object.values(grads)].filter((t) => t !== null));

      const losses: number[] = [];
      for (let i = 0; i < CONTINUE_STEPS; i++) losses.push(await session.trainStep());
      compareOrWrite(`${kind}-end.safetensors`, await sessionCheckpoint(session, greek.info));
      compareOrWriteJson(`${kind}.json`, {
        config: format3Config(config),
        startStep: START_STEP,
        math,
        continuation: {
          losses,
          cursor: session.sampler.position(),
          iterations: session.optimizer.iterations,
          step: session.step,
        },
      });
      session.dispose();
    });
  }
});
