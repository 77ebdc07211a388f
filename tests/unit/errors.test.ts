import { describe, expect, it } from 'vitest';
import * as errors from '../../src/shared/errors';
import type { PageState } from '../../src/shared/page-state';

/** Classes that build their message from facts, with sample facts for each. */
const FACTS: Record<string, unknown> = {
  StorageFullError: { step: 7, newest: { step: 5, at: new Date(2026, 0, 1, 9, 5).getTime() } },
  StorageClosedError: { step: 7, newest: null, cause: 'InvalidStateError: closing' },
  StorageEvictedError: { runName: 'r', rewrittenStep: 7, persisted: false },
  StoreVersionError: { found: 2, supported: 1, newest: null },
  DivergenceError: { spikeSteps: [40, 52, 61], window: 500, pausedAt: 30, lr: 0.5, clip: 0 },
  TextTooLargeError: { name: 't.txt', bytes: 300 * 2 ** 20, limit: 256 * 2 ** 20, mode: 'prose' },
  ContextTooLongError: { name: 't.txt', context: 256, part: 'validation', tokens: 90 },
  ModelTooLargeError: { backend: 'wasm', needBytes: 5e9, limitBytes: 2 ** 32, limit: 'memory' },
  BrowserFeatureMissingError: [{ name: 'IndexedDB', use: 'where runs are stored' }],
  BpeVocabTooLargeError: { vocabSize: 8192, mergesFound: 300, reachable: 556, trainedBytes: 9000 },
};

/** Classes built from several positional facts, with sample facts for each. */
const ARGS: Record<string, unknown[]> = {
  JobVocabularyError: ['p.txt', 2, 'ë'],
  JobInputMismatchError: ['job1', 'p.txt', 'a'.repeat(64), 'b'.repeat(64)],
  JobModelMismatchError: ['job1', 40, 'model/emb is missing'],
  JobParamError: ['Count', 0, 1, 100_000],
  JobInputTooLargeError: ['"t.txt" (lines)', 100_001, 100_000],
  TrainerCrashedError: ['the worker crashed (x)', true],
  ActionRefusedError: ['Pause', 'idle'],
  JobRunKindError: ['r', 'byte', 'prose'],
  TextEmptyError: ['t.txt', 'prose'],
  SeparatorNotFoundError: ['t.txt', '<|endoftext|>'],
  BpeVocabSizeError: [100],
  CorpusMissingError: ['r', 'c.txt', 40e6],
  CorpusFileMismatchError: ['d.txt', 'c.txt', 'c'.repeat(64)],
};

/** The facts that cross with an error's name and message, for the classes that have them. */
const CROSSING: Record<string, object> = { TrainerCrashedError: { repeatedly: true } };

describe('named errors', () => {
  it('each class carries its own name as a literal, so minified builds keep it', () => {
    for (const [exported, value] of Object.entries(errors)) {
      if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
      if (exported in FACTS) {
        const Built = value as new (facts: unknown) => Error;
        expect(new Built(FACTS[exported]).name).toBe(exported);
        continue;
      }
      const Ctor = value as new (...args: unknown[]) => Error;
      const err = new Ctor(...(ARGS[exported] ?? ['x', 'y']));
      expect(err.name).toBe(exported);
      expect(errors.serializeError(err)).toEqual({
        name: exported,
        message: err.message,
        ...CROSSING[exported],
      });
    }
  });
});

describe('errors built from facts', () => {
  it('read the same wherever they are thrown', () => {
    expect(new errors.RunNotFoundError('r1').message).toMatch(/^Run r1 no longer exists/);
    const newest = { step: 10, at: new Date(2026, 0, 1, 9, 5).getTime() };
    expect(new errors.StorageQuotaError(12, newest).message).toMatch(
      /step 12 could not be saved.*last good snapshot \(step 10 from 09:05\) is intact/,
    );
    expect(new errors.ActionRefusedError('Pause', 'resuming').message).toBe(
      'Pause is not possible while the page is resuming a run. Wait until it has finished and try again.',
    );
  });
});

describe('a refused action says what the page is doing and what to do', () => {
  it('in every state, worded as before the states were described in one place', () => {
    const said: Record<PageState, string> = {
      booting: 'starting up. Wait until it has finished and try again.',
      idle: 'showing no run. Press New run, or open a stored run.',
      training: 'training. Wait until it has finished and try again.',
      paused: 'paused. Press Start first.',
      resuming: 'resuming a run. Wait until it has finished and try again.',
      watching:
        'watching a run that another tab trains. Use the tab that trains it, or close that tab and this one takes over.',
      error: 'error. Press New run, or open a stored run.',
    };
    for (const [state, text] of Object.entries(said) as [PageState, string][]) {
      const err = new errors.ActionRefusedError('Start', state);
      expect(err.message).toBe(`Start is not possible while the page is ${text}`);
    }
  });
});

describe('a crash crosses with its repeatedly fact', () => {
  it('true and false alike, through a structured clone (what postMessage does)', () => {
    for (const repeatedly of [true, false]) {
      const err = new errors.TrainerCrashedError('the worker crashed (x)', repeatedly);
      const crossed = structuredClone(errors.serializeError(err));
      expect(crossed).toEqual({ name: 'TrainerCrashedError', message: err.message, repeatedly });
    }
  });

  it('only a crash carries it', () => {
    const other = Object.assign(new errors.ConfigError('bad'), { repeatedly: true });
    expect(errors.serializeError(other)).toEqual({ name: 'ConfigError', message: 'bad' });
  });
});

describe('refusals of a text or a model (issue 18)', () => {
  it('say what is wrong in the page’s units and what to do', () => {
    expect(new errors.TextTooLargeError(FACTS['TextTooLargeError'] as never).message).toBe(
      '"t.txt" is 300.0 MB; prose takes at most 256.0 MB. Use a smaller file.',
    );
    expect(new errors.ModelTooLargeError(FACTS['ModelTooLargeError'] as never).message).toMatch(
      /^This model needs about 4.7 GB to train on wasm, which holds at most 4.0 GB\. Choose/,
    );
    expect(new errors.SeparatorNotFoundError('t.txt', 'blank').message).toMatch(
      /^In "t.txt" no blank line occurs, so it would be one document\./,
    );
  });
});

describe('the divergence guard giving up', () => {
  it('names the spikes and says what to try, with clipping when it is off', () => {
    const facts = { spikeSteps: [40, 52, 61], window: 500, pausedAt: 30, lr: 0.5, clip: 0 };
    const off = new errors.DivergenceError(facts).message;
    expect(off).toMatch(/diverged 3 times within 500 steps \(at steps 40, 52, 61\)/);
    expect(off).toMatch(/stopped the run at step 30/);
    expect(off).toMatch(/lower learning rate \(now 0.5\), gradient clipping \(clip=1\)/);
    expect(off).toMatch(/Every snapshot is kept/);
    const on = new errors.DivergenceError({ ...facts, clip: 2 }).message;
    expect(on).toMatch(/a lower clipping threshold \(now 2\)/);
  });
});

describe('storage errors say what happened and what to do', () => {
  it('a full disk: paused, resumes by itself, the newest good snapshot with its time', () => {
    const err = new errors.StorageFullError(FACTS['StorageFullError'] as errors.StorageFaultFacts);
    expect(err.message).toBe(
      'The disk is full (or the browser cannot write to it): the snapshot at step 7 was not saved. Snapshots are paused and will resume by themselves once space is free; the newest good snapshot is step 5 from 09:05. Training goes on.',
    );
  });

  it('a closed connection keeps the browser text only as a detail', () => {
    const err = new errors.StorageClosedError({
      step: 3,
      newest: null,
      cause: 'InvalidStateError: x',
    });
    expect(err.message).toMatch(
      /^The browser closed the snapshot database: the snapshot at step 3/,
    );
    expect(err.message).toMatch(/reopens it by itself/);
    expect(err.message).toMatch(/this run has no saved snapshot yet/);
    expect(err.message).toMatch(/\(the browser said: InvalidStateError: x\)$/);
  });

  it('eviction says the run was written again, and warns when storage is not persistent', () => {
    const evicted = new errors.StorageEvictedError({
      runName: 'r',
      rewrittenStep: 9,
      persisted: false,
    });
    expect(evicted.message).toMatch(/stored data was cleared/);
    expect(evicted.message).toMatch(/complete snapshot at step 9 is saved/);
    expect(evicted.message).toMatch(/not granted persistent storage/);
    const kept = new errors.StorageEvictedError({
      runName: 'r',
      rewrittenStep: 9,
      persisted: true,
    });
    expect(kept.message).not.toMatch(/persistent/);
  });

  it("a job's refusals name the line, the character, the field and the limit", () => {
    expect(new errors.JobVocabularyError('p.txt', 2, 'ë').message).toBe(
      'Line 2 of "p.txt" holds "ë" (U+00EB), which is not in the model\'s vocabulary. Remove it or use a model trained on text that has it.',
    );
    expect(new errors.JobParamError('Count', 0, 1, 100_000).message).toBe(
      'Count must be a whole number between 1 and 100000; got 0.',
    );
    expect(new errors.JobInputTooLargeError('"t.txt" (lines)', 100_001, 100_000).message).toMatch(
      /^"t.txt" \(lines\) is 100,001; a job takes at most 100,000\./,
    );
    expect(new errors.SnapshotInUseError(40, 2).message).toBe(
      'The snapshot at step 40 is used by 2 jobs; delete those jobs first.',
    );
  });

  it('a database newer than the code asks for a reload', () => {
    const err = new errors.StoreVersionError({
      found: 2,
      supported: 1,
      newest: { step: 4, at: 0 },
    });
    expect(err.message).toMatch(/version 2; this tab knows version 1/);
    expect(err.message).toMatch(/Reload the page/);
    expect(err.message).toMatch(/step 4 from \d\d:\d\d/);
  });
});

describe('corpus refusals say what to do', () => {
  it('asks for the same file, and names a different one by its hash', () => {
    expect(new errors.CorpusMissingError('r', 'c.txt', 40e6).message).toMatch(
      /token shards of run "r" are gone.*Choose the same file again \("c\.txt", 38\.1 MB\)/,
    );
    expect(new errors.CorpusFileMismatchError('d.txt', 'c.txt', 'c'.repeat(64)).message).toMatch(
      /"d\.txt" is not the text this run trained on: its SHA-256 differs from that of "c\.txt" \(cccccccccccc…\)\. Nothing was trained/,
    );
  });
});
