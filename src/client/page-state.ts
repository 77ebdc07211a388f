/**
 * What the page is doing with the run it shows. `status` on the page is this value.
 *
 * | state    | meaning                                             | left by                       |
 * | -------- | --------------------------------------------------- | ----------------------------- |
 * | booting  | the page has not yet decided what it shows          | boot → training/watching/idle |
 * | idle     | no run is shown                                     | Start, New run, Open, import  |
 * | training | this tab's worker trains the shown run              | Pause, budget/error, New run… |
 * | paused   | this tab holds the run, stopped at a step boundary  | Start, New run, Open…         |
 * | resuming | a stored run is being loaded (open, takeover, crash) | → training/paused/error       |
 * | watching | another tab trains the shown run; this one mirrors  | takeover, New run, Open…      |
 * | error    | the run could not go on; the error area says why    | Start, New run, Open…         |
 */
export type PageState =
  'booting' | 'idle' | 'training' | 'paused' | 'resuming' | 'watching' | 'error';

/** Everything on the page a user can act with. */
export type Control =
  | 'start'
  | 'pause'
  | 'newRun'
  | 'snapshotNow'
  | 'export'
  | 'import'
  | 'runs'
  | 'snapshots'
  | 'dataset'
  | 'config'
  | 'interval';

const ENABLED: Record<PageState, readonly Control[]> = {
  booting: [],
  idle: ['start', 'newRun', 'import', 'runs', 'dataset', 'config', 'interval'],
  training: [
    'pause',
    'newRun',
    'snapshotNow',
    'export',
    'import',
    'runs',
    'snapshots',
    'dataset',
    'interval',
  ],
  paused: [
    'start',
    'newRun',
    'snapshotNow',
    'export',
    'import',
    'runs',
    'snapshots',
    'dataset',
    'config',
    'interval',
  ],
  resuming: [],
  watching: ['newRun', 'export', 'import', 'runs', 'dataset', 'config', 'interval'],
  error: [
    'start',
    'newRun',
    'export',
    'import',
    'runs',
    'snapshots',
    'dataset',
    'config',
    'interval',
  ],
};

/**
 * The controls a user may use: a function of the state alone, and none while a transition
 * (an action that changes the run or this tab's role) is queued or running.
 */
export function enabledControls(state: PageState, busy: boolean): ReadonlySet<Control> {
  return new Set(busy ? [] : ENABLED[state]);
}

/** States in which an action has started but not settled what the page shows. */
export const TRANSITIONAL: readonly PageState[] = ['booting', 'resuming'];
