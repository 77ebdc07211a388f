import { describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../src/shared/config';
import type { CorpusSpec } from '../../workers/corpus/corpus-address';
import { shardedProse } from '../../workers/corpus/corpus-dataset';
import { shardName, type CorpusManifest } from '../../workers/corpus/corpus-manifest';
import { CorpusStore } from '../../workers/corpus/corpus-store';
import { MemoryCorpusRoot } from '../../workers/corpus/memory-corpus-files';
import { openShards } from '../../workers/corpus/shard-source';
import { batchSampler, hostBatch } from '../../workers/training/batches';
import { validationSet } from '../../workers/training/evaluation';
import { buildTextDataset, trainingExamples } from '../../workers/training/text-dataset';
import { markModel } from './bpe-fixtures';
import { MARK_TEXT, TINY_GPT } from './gpt-fixtures';
import { expectExactResume } from './training-fixtures';

const TEXT = new TextEncoder().encode(MARK_TEXT);
// Shards far smaller than a batch's span, so windows cross shard ends all the time.
const SMALL = { shardTokens: 1000, chunkBytes: 4093 };

const BPE_GPT: RunConfig = validateConfig({
  ...TINY_GPT,
  tokens: 'bpe',
  vocabSize: 600,
  separator: 'blank',
});
const BYTE_MLP: RunConfig = validateConfig({
  ...TINY_GPT,
  model: 'mlp',
  tie: 0,
  tokens: 'byte',
  separator: 'none',
  context: 8,
});

function specOf(config: RunConfig): CorpusSpec {
  return config.tokens === 'bpe'
    ? { tokens: 'bpe', separator: config.separator, bpe: markModel(config.vocabSize!) }
    : { tokens: 'byte', separator: config.separator, bpe: null };
}

async function datasets(config: RunConfig) {
  const spec = specOf(config);
  const root = new MemoryCorpusRoot();
  const manifest = await new CorpusStore(root).open('mark.txt', new Blob([TEXT]), spec, SMALL);
  const sharded = await shardedProse(root.folder(manifest.address), manifest, spec);
  const memory = buildTextDataset('mark.txt', TEXT, config, spec.bpe);
  if (memory.kind !== 'prose') throw new Error('prose expected');
  return { root, manifest, sharded, memory };
}

describe('training reads windows from the shards: the same batches as in memory', () => {
  for (const [label, config] of [
    ['gpt, BPE 600, blank lines (every position)', BPE_GPT],
    ['mlp, bytes (the last position)', BYTE_MLP],
  ] as const) {
    it(label, async () => {
      const { sharded, memory } = await datasets(config);
      expect(sharded.train.length).toBe(memory.train.length);
      expect(sharded.val.length).toBe(memory.val.length);
      expect(sharded.documents).toBe(memory.documents);
      expect(sharded.tokenizer.vocabSize).toBe(memory.tokenizer.vocabSize);
      expect(trainingExamples(sharded, config.context)).toBe(
        trainingExamples(memory, config.context),
      );
      const fromShards = batchSampler(config, sharded);
      const fromMemory = batchSampler(config, memory);
      for (let b = 0; b < 200; b++) {
        const offsets = fromShards.next();
        expect(offsets).toEqual(fromMemory.next());
        expect(hostBatch(sharded, 'train', offsets, config)).toEqual(
          hostBatch(memory, 'train', offsets, config),
        );
      }
      // The very first and last windows, which touch the parts' ends.
      const edges = [0, trainingExamples(memory, config.context) - 1];
      expect(hostBatch(sharded, 'train', edges, config)).toEqual(
        hostBatch(memory, 'train', edges, config),
      );
      expect(validationSet(sharded, config)).toEqual(validationSet(memory, config));
      sharded.close();
    });
  }

  it('a run resumed on the shards goes on bit for bit from one trained in memory', async () => {
    const { sharded, memory } = await datasets(BPE_GPT);
    await expectExactResume(BPE_GPT, memory, sharded);
    sharded.close();
  }, 120_000);

  it('reads uint32 shards, and refuses a shard of the wrong size by name', async () => {
    const root = new MemoryCorpusRoot();
    const ids = Uint32Array.from({ length: 2500 }, (_, i) => 70_000 + i * 7);
    const files = root.files('big');
    for (let s = 0; s < 3; s++) {
      const part = ids.slice(s * 1000, (s + 1) * 1000);
      files.set(shardName(s), new Uint8Array(part.buffer));
    }
    const manifest = {
      address: 'big',
      dtype: 'uint32',
      shardTokens: 1000,
      shards: 3,
      tokens: 2500,
    } as CorpusManifest;
    const shards = await openShards(root.folder('big'), manifest);
    const out = new Int32Array(1200);
    shards.source(500, 2500).read(400, out);
    expect([...out]).toEqual([...ids.subarray(900, 2100)]);
    files.set(shardName(1), files.get(shardName(1))!.subarray(0, 3996));
    await expect(openShards(root.folder('big'), manifest)).rejects.toMatchObject({
      name: 'CorpusDamagedError',
      message: expect.stringContaining('shard-00001.bin holds 3996 bytes, not 4000'),
    });
  });

  it('a shard another reader holds for itself is CorpusHeldError, and what was opened closes', async () => {
    const root = new MemoryCorpusRoot();
    const files = root.files('held');
    for (let s = 0; s < 2; s++) files.set(shardName(s), new Uint8Array(4000));
    const manifest = {
      address: 'held',
      dtype: 'uint32',
      shardTokens: 1000,
      shards: 2,
      tokens: 2000,
    } as CorpusManifest;
    const folder = root.folder('held');
    const open = folder.openReader.bind(folder);
    let closed = 0;
    folder.openReader = async (name) => {
      if (name === shardName(1)) {
        throw new DOMException('Access Handles cannot be created', 'NoModificationAllowedError');
      }
      const reader = await open(name);
      return { ...reader, close: () => void (closed += 1) };
    };
    await expect(openShards(folder, manifest)).rejects.toMatchObject({
      name: 'CorpusHeldError',
      message: expect.stringContaining('open in another tab or worker'),
    });
    expect(closed).toBe(1);
  });
});
