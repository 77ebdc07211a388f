import { describe, expect, it } from 'vitest';
import { ACTION_STATES } from '../../src/client/action-states';
import { enabledControls } from '../../src/client/enabled-controls';
import {
  HOLDING,
  PAGE_STATES,
  SETTLED,
  TRANSITIONAL,
  WITH_RUN,
  type PageState,
} from '../../src/shared/page-state';
import type { Control } from '../../src/ui/control';

const STATES = Object.keys(PAGE_STATES) as PageState[];

/**
 * The enabled controls of each state as the page had them written out before (commit 0ec39e3),
 * with the prompt sampler (issue 18), which works where Snapshot now does: on the run held, and
 * the `?debug=1` step profile (issue 19), which profiles a step of the training loop, and the
 * corpora list's Delete (issue 20), in every settled state (the worker refuses a corpus in use).
 */
const ENABLED_BEFORE: Record<PageState, readonly Control[]> = {
  booting: [],
  idle: ['start', 'newRun', 'import', 'runs', 'corpora', 'dataset', 'config', 'interval'],
  training: [
    'pause',
    'newRun',
    'snapshotNow',
    'sample',
    'profile',
    'export',
    'import',
    'runs',
    'corpora',
    'snapshots',
    'dataset',
    'interval',
  ],
  paused: [
    'start',
    'newRun',
    'snapshotNow',
    'sample',
    'export',
    'import',
    'runs',
    'corpora',
    'snapshots',
    'dataset',
    'config',
    'interval',
  ],
  resuming: [],
  watching: ['newRun', 'export', 'import', 'runs', 'corpora', 'dataset', 'config', 'interval'],
  error: [
    'start',
    'newRun',
    'export',
    'import',
    'runs',
    'corpora',
    'snapshots',
    'dataset',
    'config',
    'interval',
  ],
};

/** The page's own transitions; every other action is the user's. */
const PAGE_OWN = new Set(['boot', 'restart', 'takeOver', 'loopEnded']);

describe('the enabled controls, derived from the actions’ states', () => {
  it('are in each state exactly what they were when written out by hand', () => {
    for (const state of STATES) {
      expect([...enabledControls(state, false)].sort()).toEqual([...ENABLED_BEFORE[state]].sort());
    }
  });

  it('let the runs list, one control, offer Open and Delete in the same states', () => {
    expect(ACTION_STATES.deleteRun).toEqual(ACTION_STATES.openRun);
  });

  it('all rest while a transition is queued or running', () => {
    for (const state of STATES) expect(enabledControls(state, true).size).toBe(0);
  });
});

describe('the actions’ states', () => {
  it('never let a user act while the page boots or resumes: those actions wait their turn', () => {
    for (const [action, states] of Object.entries(ACTION_STATES)) {
      if (PAGE_OWN.has(action)) continue;
      for (const state of TRANSITIONAL) expect(states, action).not.toContain(state);
    }
  });

  it('are groups of the page’s states: held ⊂ showing a run ⊂ settled, settled + transitional = all', () => {
    expect(new Set([...SETTLED, ...TRANSITIONAL])).toEqual(new Set(STATES));
    expect(SETTLED.filter((s) => TRANSITIONAL.includes(s))).toEqual([]);
    for (const s of WITH_RUN) expect(SETTLED).toContain(s);
    for (const s of HOLDING) expect(WITH_RUN).toContain(s);
    expect(WITH_RUN).not.toContain('idle');
    expect(HOLDING).not.toContain('watching');
  });
});
