import { HOLDING, SETTLED, WITH_RUN, type PageState } from '../shared/page-state';

/**
 * The states each of the page's actions may run in, written once: every owner that dispatches
 * an action (runs, checkpoints, jobs, the supervisor) takes its `allowed` from here, and the
 * enabled controls (enabled-controls.ts) are derived from it. The machine checks an action's
 * states when its turn comes, not when it was asked for.
 */
export const ACTION_STATES = {
  // The page's own transitions (refused quietly when their turn comes in another state).
  boot: ['booting'],
  restart: ['booting', ...SETTLED],
  takeOver: ['watching'],
  loopEnded: ['training'],
  // The user's.
  start: ['idle', 'paused', 'error'],
  pause: ['training'],
  newRun: SETTLED,
  snapshotNow: ['training', 'paused'],
  /** A sample with a prompt: from the run this tab's worker holds. */
  sample: ['training', 'paused'],
  snapshotPolicy: SETTLED,
  /** `?debug=1`: the training loop's next step, profiled op by op. */
  profileStep: ['training'],
  /**
   * Not dispatched: the config form's fields, which Start (without a run) and New run read.
   * They rest while training, so the form shows the config the run trains with.
   */
  editConfig: ['idle', 'paused', 'watching', 'error'],
  openRun: SETTLED,
  deleteRun: SETTLED,
  /**
   * A corpus from the corpora list: Delete (the worker refuses one a run has open) and Export
   * tokens, whose buttons rest together.
   */
  deleteCorpus: SETTLED,
  /** The shown run's snapshot list: resume from one (roll back), pin, unpin, delete. */
  snapshotList: HOLDING,
  /** A checkpoint file checked, then imported (as a new run or replacing the shown one); a fork. */
  importCheckpoint: SETTLED,
  exportCheckpoint: WITH_RUN,
  /** A job starts from the shown run, whoever trains it. */
  createJob: WITH_RUN,
} as const satisfies Record<string, readonly PageState[]>;

export type ActionName = keyof typeof ACTION_STATES;
