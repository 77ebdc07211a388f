import { describe, expect, it } from 'vitest';
import { CheckpointActions, type CheckpointDeps } from '../../src/client/checkpoint-actions';
import type { Dispatch } from '../../src/client/page-machine';
import type { CorpusSummary } from '../../src/shared/corpus-summary';
import type { RunRecord } from '../../src/shared/snapshot';

const shown = { id: 'shown', name: 'shard run' } as RunRecord;
const imported = { id: 'imported', name: 'imported run' } as RunRecord;
const corpus = { address: 'abc', name: 'corpus.txt' } as CorpusSummary;

/**
 * Replace current run with an imported checkpoint, against fakes of the machine and the worker:
 * the replaced run's corpus, when it was the last run reading it, is offered once the action
 * has run, as a run deleted from the runs list offers it.
 */
function harness(dispatch: Dispatch, unusedAfterDelete: CorpusSummary | null) {
  const log: string[] = [];
  const api = { importCheckpoint: async () => imported, cancel: async () => undefined };
  const deps: CheckpointDeps = {
    dispatch: async (action) => {
      const outcome = await dispatch(action);
      log.push(`dispatch ${outcome}`);
      return outcome;
    },
    trainer: {
      worker: { call: (f: (a: typeof api) => unknown) => f(api), api },
    } as unknown as CheckpointDeps['trainer'],
    shown: { run: shown, dataset: null },
    runs: {
      openWritten: async (run, _enter, replaced, onUnused) => {
        log.push(`open ${run.id}, delete ${replaced?.id ?? 'none'}`);
        if (unusedAfterDelete !== null) onUnused?.(unusedAfterDelete);
        return 'training';
      },
    },
    panel: { clearPending: () => undefined, setWorking: () => undefined },
    refresh: () => undefined,
    offerUnused: (c) => log.push(`offer ${c.address}`),
  };
  return { actions: new CheckpointActions(deps, () => undefined), log };
}

const runs: Dispatch = async (action) => {
  await action.run(async () => undefined);
  return 'done';
};

describe('Replace current run', () => {
  it('offers the corpus the replaced run left unread, once the action has run', async () => {
    const { actions, log } = harness(runs, corpus);
    expect(await actions.importInspected('token', true)).toBe('done');
    expect(log).toEqual(['open imported, delete shown', 'dispatch done', 'offer abc']);
  });

  it('offers nothing when another run still reads it, or for an import as a new run', async () => {
    const kept = harness(runs, null);
    await kept.actions.importInspected('token', true);
    expect(kept.log).toEqual(['open imported, delete shown', 'dispatch done']);
    const added = harness(runs, null);
    await added.actions.importInspected('token', false);
    expect(added.log).toEqual(['open imported, delete none', 'dispatch done']);
  });

  it('offers nothing when the machine refuses the action', async () => {
    const { actions, log } = harness(async () => 'refused', corpus);
    expect(await actions.importInspected('token', true)).toBe('refused');
    expect(log).toEqual(['dispatch refused']);
  });
});
