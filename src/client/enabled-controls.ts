import type { PageState } from '../shared/page-state';
import type { Control } from '../ui/control';
import { ACTION_STATES, type ActionName } from './action-states';

/** The action each control asks for: a control is enabled exactly where its action may run. */
const CONTROL_ACTION: Record<Control, ActionName> = {
  start: 'start',
  pause: 'pause',
  newRun: 'newRun',
  snapshotNow: 'snapshotNow',
  export: 'exportCheckpoint',
  // The whole checkpoint panel, its Export button too (in idle an export is refused, named).
  import: 'importCheckpoint',
  runs: 'openRun', // and Delete, allowed in the same states (tested)
  corpora: 'deleteCorpus',
  snapshots: 'snapshotList',
  dataset: 'newRun', // a chosen text starts a new run on it
  config: 'editConfig',
  interval: 'snapshotPolicy',
  sample: 'sample',
  profile: 'profileStep',
};

const CONTROLS = Object.keys(CONTROL_ACTION) as Control[];

/**
 * The controls a user may use: a function of the state alone, and none while a transition
 * (an action that changes the run or this tab's role) is queued or running.
 */
export function enabledControls(state: PageState, busy: boolean): ReadonlySet<Control> {
  if (busy) return new Set();
  const allows = (action: ActionName) =>
    (ACTION_STATES[action] as readonly PageState[]).includes(state);
  return new Set(CONTROLS.filter((control) => allows(CONTROL_ACTION[control])));
}
