import type { RunConfig } from '../../src/shared/config';
import { batchSampler, hostBatch } from '../../workers/training/batches';
import { trainingExamples, type TextDataset } from '../../workers/training/text-dataset';

const ints = (a: ArrayLike<number>) => Array.from(a);

/**
 * Four draws from two batches before an epoch's end, a skip window crossing it: what
 * python/tests/prose_golden.py assert_browser_draws checks (the prose and shard goldens).
 */
export function goldenDraws(config: RunConfig, data: TextDataset) {
  const size = trainingExamples(data, config.context);
  const perEpoch = Math.floor(size / config.batch);
  const start = { epoch: 0, index: (perEpoch - 2) * config.batch };
  const skips = [{ fromBatch: perEpoch - 1, toBatch: perEpoch + 1 }];
  const sampler = batchSampler(config, data, start, skips);
  const steps = Array.from({ length: 4 }, () => {
    const examples = sampler.next();
    const { x, y, mask } = hostBatch(data, 'train', examples, config);
    const cursor = sampler.position();
    const got = { examples: ints(examples), batch: sampler.lastBatch, x: ints(x), y: ints(y) };
    return { ...got, mask: mask === null ? null : ints(mask), cursor };
  });
  return { start, skips, steps };
}
