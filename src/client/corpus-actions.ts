import type { CorpusSummary } from '../shared/corpus-summary';
import type { RunRecord } from '../shared/snapshot';
import { ACTION_STATES } from './action-states';
import { download } from './download';
import type { Dispatch, Outcome } from './page-machine';
import type { ShownRunView } from './shown-run';
import type { WorkerAccess } from './worker-supervisor';

/** What the corpora's actions work with. */
export interface CorpusDeps {
  readonly dispatch: Dispatch;
  readonly trainer: WorkerAccess;
  readonly shown: ShownRunView;
  /** Re-reads the lists (the corpora's too) with the shown run. */
  readonly refresh: (run: RunRecord | null) => void;
  /** The user's answer to deleting a corpus a deleted run left unused (ui/corpora-panel.ts). */
  readonly askToDeleteUnused: (corpus: CorpusSummary) => boolean;
}

/**
 * Deleting corpora: from the list (confirmed there), or offered when the last run reading one was
 * deleted. One page action each, exclusive so a double click deletes once; the worker refuses
 * by name a corpus a run has open or a tokenization holds. Exporting a corpus's tokens, in the
 * same states as Delete (the list's buttons rest together).
 */
export class CorpusActions {
  constructor(private readonly deps: CorpusDeps) {}

  delete(address: string): Promise<Outcome> {
    return this.deps.dispatch({
      label: 'Delete corpus',
      origin: 'user',
      allowed: ACTION_STATES.deleteCorpus,
      exclusive: true,
      run: async () => {
        try {
          await this.deps.trainer.worker.call((api) => api.deleteCorpus(address));
        } finally {
          this.deps.refresh(this.deps.shown.run);
        }
      },
    });
  }

  /**
   * Downloads a finished corpus's tokens as an llm.c token file. Not exclusive: it changes
   * nothing, and the Blob the worker hands over refers to the shard files (no bytes copied).
   */
  exportTokens(address: string): Promise<Outcome> {
    return this.deps.dispatch({
      label: 'Export tokens',
      origin: 'user',
      allowed: ACTION_STATES.deleteCorpus,
      exclusive: false,
      run: async () => {
        const { fileName, blob } = await this.deps.trainer.worker.call((api) =>
          api.exportCorpusTokens(address),
        );
        download(fileName, blob);
      },
    });
  }

  /** After a run's deletion: asks whether to delete the corpus it left unused; no keeps it. */
  offerUnused(corpus: CorpusSummary): void {
    if (this.deps.askToDeleteUnused(corpus)) void this.delete(corpus.address);
  }
}
