import type { BackendReport, EventSink } from '../src/shared/api';
import { DEFAULT_SETTINGS, type BackendName } from '../src/shared/config';
import { ShardCorpusDatasets } from './corpus/corpus-datasets';
import { opfsCorpusRoot } from './corpus/opfs-corpus-files';
import { CorpusLibrary, heldRunLocks } from './corpus-library';
import { JobService } from './jobs/job-service';
import { RunLibrary } from './run-library';
import { Snapshotter } from './snapshot/snapshotter';
import { SnapshotStore } from './store';
import { deviceLost, selectBackend, watchDeviceLoss } from './training/backend';
import { markPhase } from './training/phase-marks';
import { TrainerController } from './training/trainer-controller';

/** The worker's parts, each owning one family of TrainerApi's calls. */
export interface Parts {
  readonly controller: TrainerController;
  readonly library: RunLibrary;
  readonly snapshotter: Snapshotter;
  readonly jobs: JobService;
  readonly corpora: CorpusLibrary;
  /** Runs' token shards: the controller tokenizes through it; Retry reaches it directly. */
  readonly shardDatasets: ShardCorpusDatasets;
}

/**
 * Starts the backend and the store, restores runs the browser's database lost, and builds the
 * parts on them.
 */
export async function startParts(
  backend: BackendName | null,
  emit: EventSink,
): Promise<{ parts: Parts; report: BackendReport }> {
  markPhase('init');
  // The backend (GPU adapter and device, or the WASM binary) and the database connection each
  // wait on other processes and need nothing of each other: started together, init takes the
  // longer of the two, not their sum (on a restart, every hop waits its turn for a core).
  const opening = SnapshotStore.open().then((store) => {
    markPhase('store-open');
    return store;
  });
  opening.catch(() => undefined); // observed below, unless the backend fails first
  const report = await selectBackend(backend);
  markPhase('backend-ready');
  watchDeviceLoss((message) => emit({ type: 'device-lost', message }));
  const store = await opening;
  // Runs the browser's database lost come back from their second copy (OPFS). Only once the
  // backend has started: a worker that cannot train restores nothing it would not report.
  const { restored } = await store.restoreFromMirror();
  markPhase('mirror-checked');
  const snapshotter = new Snapshotter(store, emit, DEFAULT_SETTINGS.snapshot);
  const corpusRoot = opfsCorpusRoot();
  const shardDatasets = new ShardCorpusDatasets(corpusRoot, (progress) =>
    emit({ type: 'corpus', progress }),
  );
  const controller = new TrainerController(
    store,
    snapshotter,
    emit,
    { forced: backend, init: report.backend },
    shardDatasets,
  );
  const parts: Parts = {
    controller,
    shardDatasets,
    library: new RunLibrary(store),
    snapshotter,
    jobs: new JobService(store, { deviceLost: () => deviceLost() }),
    corpora: new CorpusLibrary(corpusRoot, store, {
      active: () => controller.activeRun,
      held: heldRunLocks,
    }),
  };
  return { parts, report: { ...report, restored } };
}
