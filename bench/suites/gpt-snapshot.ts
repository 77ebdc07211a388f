import { deleteDB } from 'idb';
import type { TrainerEvent } from '../../src/shared/api';
import { modelSpec, parameterCount, stateBytes } from '../../src/shared/model-spec';
import {
  SnapshotStore,
  Snapshotter,
  TrainingSession,
  checkFitsBackend,
  newRunRecord,
  selectBackend,
} from '../../workers/bench-surface';
import type { GptSnapshotCase, GptSnapshotRow } from './gpt-api';
import { presetWithText } from './gpt-training';
import { exportFile, resumeMs } from './snapshot-probes';
import { mbPerS, messageOf, progress, round } from './stats';

/** The bench's own database, deleted before and after: never the app's `tab-trainer`. */
const DB_NAME = 'bench-gpt-snapshots';

/** No timer: snapshots here are the first one and one asked for. */
const NO_TIMER = { kind: 'fixed', seconds: 3600 } as const;

function emptyRow(spec: GptSnapshotCase): GptSnapshotRow {
  return {
    kind: 'snapshot',
    preset: spec.preset,
    backend: spec.backend,
    status: 'error',
    reason: null,
    params: null,
    state_bytes: null,
    tensors: null,
    step_ms: null,
    create_run_ms: null,
    persist_ms: null,
    persist_mb_per_s: null,
    resume_load_ms: null,
    resume_ms: null,
    export_ms: null,
    export_bytes: null,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: round(performance.now() - started) };
}

/**
 * A preset's whole training state (weights and AdamW's slots after real steps) through the
 * app's own Snapshotter into IndexedDB: as a new run (run, text, snapshot), then a manual
 * snapshot; then the snapshot probes' resume (read, verify, rebuild, one step) and export.
 */
export async function runGptSnapshotCase(spec: GptSnapshotCase): Promise<GptSnapshotRow> {
  let row = emptyRow(spec);
  try {
    const { config, dataset, vocab } = await presetWithText(spec.preset);
    const state = stateBytes(config, vocab);
    row = {
      ...row,
      params: parameterCount(config, vocab),
      state_bytes: state,
      // Each variable's weights and two slots, and the step, the PRNG and the cursor's.
      tensors: modelSpec(config, vocab).length * 3 + 3,
    };
    try {
      await selectBackend(spec.backend);
      checkFitsBackend(config, vocab, spec.backend);
    } catch (err) {
      return { ...row, status: 'unavailable', reason: messageOf(err) };
    }
    await deleteDB(DB_NAME);
    const store = await SnapshotStore.open({ name: DB_NAME });
    try {
      const failures: string[] = [];
      let persistMs: number | null = null;
      const onEvent = (event: TrainerEvent) => {
        if (event.type === 'snapshot-committed') persistMs = event.persistMs;
        if (event.type === 'snapshot-failed') failures.push(event.error.message);
      };
      const run = newRunRecord(config, dataset);
      const session = TrainingSession.create(config, dataset.data);
      const snapshotter = new Snapshotter(store, onEvent, NO_TIMER);
      try {
        snapshotter.attach({ run, dataset, session }, null, null);
        // A step first, so AdamW's slots exist and hold real values.
        const step = await timed(() => session.trainStep());
        progress(`${spec.preset}: step ${step.ms} ms`);
        const created = await timed(() => snapshotter.first());
        progress(`${spec.preset}: run created ${created.ms} ms`);
        await session.trainStep();
        await snapshotter.request('manual');
        if (failures.length > 0) throw new Error(`The snapshot failed: ${failures[0]}`);
        progress(`${spec.preset}: snapshot persisted ${persistMs} ms`);
        row = {
          ...row,
          step_ms: step.ms,
          create_run_ms: created.ms,
          persist_ms: persistMs === null ? null : round(persistMs),
          persist_mb_per_s: mbPerS(state, persistMs),
        };
      } finally {
        await snapshotter.detach();
        // As resumeRun after a reload: the trained session is gone before the resumed one.
        session.dispose();
      }
      const { loadMs, totalMs } = await resumeMs(DB_NAME, run.id, 1);
      progress(`${spec.preset}: resumed ${loadMs} ms`);
      const exported = await timed(() => exportFile(store, run.id));
      return {
        ...row,
        status: 'ok',
        resume_load_ms: loadMs,
        resume_ms: totalMs,
        export_ms: exported.ms,
        export_bytes: exported.value.bytes,
      };
    } finally {
      store.close();
      await deleteDB(DB_NAME);
    }
  } catch (err) {
    return { ...row, status: 'error', reason: messageOf(err) };
  }
}
