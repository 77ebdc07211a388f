import { describe, expect, it } from 'vitest';
import { PageMachine, type Outcome, type PageAction } from '../../src/client/page-machine';
import { ACTION_STATES } from '../../src/client/action-states';
import { enabledControls } from '../../src/client/enabled-controls';
import type { PageState } from '../../src/shared/page-state';
import { ConfigError, type SerializedError } from '../../src/shared/errors';
import { Prng } from '../../src/shared/prng';

function pick(prng: Prng, n: number): number {
  return prng.nextUint32() % n;
}

/** Calls to the fake worker wait here until the driver lets one of them finish. */
class Gate {
  private readonly waiting: (() => void)[] = [];

  get size(): number {
    return this.waiting.length;
  }

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(prng: Prng): void {
    const [open] = this.waiting.splice(pick(prng, this.waiting.length), 1);
    open?.();
  }
}

/**
 * A worker as the page sees it: a run it may hold, a loop that runs or not, and a loop id. The
 * truth the page's state must match once everything has settled.
 */
class FakeWorker {
  hasRun = false;
  training = false;
  loopId = 0;
  /** How many actions' run() are executing at once: the machine must keep this at most 1. */
  concurrent = 0;
  maxConcurrent = 0;
}

interface Harness {
  readonly machine: PageMachine;
  readonly worker: FakeWorker;
  readonly gate: Gate;
  readonly prng: Prng;
  readonly shown: SerializedError[];
  readonly renders: { state: PageState; busy: boolean }[];
  errorVisible: boolean;
  readonly outcomes: Promise<Outcome>[];
  readonly userOutcomes: Promise<Outcome>[];
  readonly runsOf: Map<number, number>;
}

function harness(seed: number): Harness {
  const h = {
    worker: new FakeWorker(),
    gate: new Gate(),
    prng: Prng.fromSeed(seed),
    shown: [] as SerializedError[],
    renders: [] as { state: PageState; busy: boolean }[],
    errorVisible: false,
    outcomes: [] as Promise<Outcome>[],
    userOutcomes: [] as Promise<Outcome>[],
    runsOf: new Map<number, number>(),
  } as Omit<Harness, 'machine'> & { machine?: PageMachine };
  h.machine = new PageMachine({
    render: (state, busy) => h.renders.push({ state, busy }),
    showError: (error) => {
      h.shown.push(error);
      h.errorVisible = true;
    },
    clearError: () => {
      h.errorVisible = false;
    },
  });
  return h as Harness;
}

let serial = 0;

/** Wraps an action so the test sees each run() start, finish and never overlap. */
function tracked(h: Harness, action: PageAction): PageAction {
  const id = ++serial;
  return {
    ...action,
    run: async (enter) => {
      h.runsOf.set(id, (h.runsOf.get(id) ?? 0) + 1);
      h.worker.concurrent += 1;
      h.worker.maxConcurrent = Math.max(h.worker.maxConcurrent, h.worker.concurrent);
      try {
        return await action.run(enter);
      } finally {
        h.worker.concurrent -= 1;
      }
    },
  };
}

/** The page's actions, modelled on RunActions' and RunTransitions', against the fake worker. */
function actions(h: Harness) {
  const { worker, gate, prng } = h;
  const startLoop = () => {
    worker.hasRun = true;
    worker.training = true;
    worker.loopId += 1;
  };
  return {
    start: (): PageAction => ({
      label: 'Start',
      origin: 'user',
      allowed: ACTION_STATES.start,
      exclusive: true,
      run: async () => {
        await gate.wait();
        startLoop();
        return 'training';
      },
    }),
    pause: (): PageAction => ({
      label: 'Pause',
      origin: 'user',
      allowed: ACTION_STATES.pause,
      exclusive: true,
      run: async () => {
        await gate.wait();
        worker.training = false;
        return 'paused';
      },
    }),
    newRun: (refused: boolean): PageAction => ({
      label: 'New run',
      origin: 'user',
      allowed: ACTION_STATES.newRun,
      exclusive: true,
      run: async () => {
        await gate.wait();
        // The worker checks the config before it touches the current run.
        if (refused) throw new ConfigError('bad config');
        await gate.wait();
        startLoop();
        return 'training';
      },
    }),
    open: (fails: boolean, origin: 'user' | 'page' = 'user'): PageAction => ({
      label: 'Open run',
      origin,
      // As the page's own, a boot's or a restart's resume: the restart's states hold the boot's.
      allowed: origin === 'page' ? ACTION_STATES.restart : ACTION_STATES.openRun,
      exclusive: true,
      run: async (enter) => {
        worker.training = false;
        enter('resuming');
        await gate.wait();
        if (fails) {
          worker.hasRun = false;
          throw new Error('resume failed');
        }
        await gate.wait();
        startLoop();
        return 'training';
      },
    }),
    snapshot: (): PageAction => ({
      label: 'Snapshot now',
      origin: 'user',
      allowed: ACTION_STATES.snapshotNow,
      exclusive: false,
      run: async () => {
        await gate.wait();
      },
    }),
    /** The worker's loop ended by itself; the page hears of it later. */
    loopEnds: (): PageAction | null => {
      if (!worker.training) return null;
      worker.training = false;
      const ended = worker.loopId;
      return {
        label: 'Training stopped',
        origin: 'page',
        allowed: ACTION_STATES.loopEnded,
        exclusive: false,
        run: async () => (ended === worker.loopId ? 'paused' : undefined),
      };
    },
    /** Another tab trains the run: this tab watches, and takes over later. */
    watch: (): PageAction => ({
      label: 'Open run',
      origin: 'user',
      allowed: ACTION_STATES.openRun,
      exclusive: true,
      run: async () => {
        await gate.wait();
        worker.training = false;
        worker.hasRun = false;
        return 'watching';
      },
    }),
    takeover: (): PageAction => ({
      label: 'Take over',
      origin: 'page',
      allowed: ACTION_STATES.takeOver,
      exclusive: true,
      run: async (enter) => {
        enter('resuming');
        await gate.wait();
        startLoop();
        return 'training';
      },
    }),
    prng,
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets the fake worker answer until `outcome` has settled. */
async function finish(h: Harness, outcome: Promise<Outcome>): Promise<Outcome> {
  let done = false;
  void outcome.then(() => (done = true));
  for (await settle(); !done; await settle()) h.gate.release(h.prng);
  return outcome;
}

function checkInvariants(h: Harness): void {
  const { machine, worker, renders } = h;
  // The page shows its state, and controls derived from it alone, after every change.
  const last = renders[renders.length - 1]!;
  expect(last).toEqual({ state: machine.state, busy: machine.busy });
  const enabled = enabledControls(machine.state, machine.busy);
  expect(enabled.has('pause')).toBe(machine.state === 'training' && !machine.busy);
  expect(worker.maxConcurrent).toBeLessThanOrEqual(1);
}

async function drive(seed: number, steps: number): Promise<Harness> {
  const h = harness(seed);
  const a = actions(h);
  const { prng } = a;
  const dispatch = (action: PageAction | null) => {
    if (action === null) return;
    const outcome = h.machine.dispatch(tracked(h, action));
    h.outcomes.push(outcome);
    if (action.origin === 'user') h.userOutcomes.push(outcome);
  };
  dispatch(a.open(false, 'page')); // boot: resume the stored run
  for (let i = 0; i < steps; i++) {
    const roll = pick(prng, 100);
    if (roll < 45 && h.gate.size > 0) h.gate.release(prng);
    else if (roll < 55) dispatch(a.start());
    else if (roll < 65) dispatch(a.pause());
    else if (roll < 71) dispatch(a.newRun(pick(prng, 3) === 0));
    else if (roll < 76) dispatch(a.open(pick(prng, 4) === 0));
    else if (roll < 82) dispatch(a.snapshot());
    else if (roll < 88) dispatch(a.loopEnds());
    else if (roll < 92) dispatch(a.watch());
    else if (roll < 96 && h.machine.state === 'watching') dispatch(a.takeover());
    await settle();
    checkInvariants(h);
  }
  // Let everything asked for run to its end.
  while (h.gate.size > 0) {
    h.gate.release(prng);
    await settle();
    checkInvariants(h);
  }
  return h;
}

describe('PageMachine under random user actions and worker events', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'seed %i: one action at a time, none lost or doubled, status true',
    async (seed) => {
      const h = await drive(seed, 400);
      const outcomes = await Promise.all(h.outcomes);
      // Every action asked for settled exactly once, as run, refused or failed.
      expect(outcomes).toHaveLength(h.outcomes.length);
      for (const count of h.runsOf.values()) expect(count).toBe(1);
      expect(h.machine.busy).toBe(false);
      // Once everything has settled, the page says training if and only if the worker trains.
      expect(h.machine.state === 'training').toBe(h.worker.training);
      if (h.machine.state === 'paused') expect(h.worker.hasRun).toBe(true);
      // Every refusal of a user's action was shown, named; the page's own are refused quietly.
      const refused = (await Promise.all(h.userOutcomes)).filter((o) => o === 'refused').length;
      expect(h.shown.filter((e) => e.name === 'ActionRefusedError')).toHaveLength(refused);
      expect(refused).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o === 'done').length).toBeGreaterThan(20);
    },
  );
});

describe('PageMachine', () => {
  it('refuses a user action whose turn comes in a state that does not allow it, and shows why', async () => {
    const h = harness(1);
    const a = actions(h);
    const boot = h.machine.dispatch(a.open(false, 'page'));
    const pause = h.machine.dispatch(a.pause()); // asked for during the boot
    expect(h.machine.state).toBe('resuming');
    expect(h.machine.busy).toBe(true);
    expect(enabledControls(h.machine.state, h.machine.busy).size).toBe(0);
    expect(await finish(h, boot)).toBe('done');
    expect(await finish(h, pause)).toBe('done'); // queued, not lost: it ran once boot had trained
    expect(h.machine.state).toBe('paused');
    const start = h.machine.dispatch(a.start());
    const second = h.machine.dispatch(a.start()); // a double click that got through
    expect(await finish(h, start)).toBe('done');
    expect(await second).toBe('refused');
    expect(h.shown.at(-1)).toMatchObject({
      name: 'ActionRefusedError',
      message: expect.stringMatching(/^Start is not possible while the page is training/),
    });
    expect(h.errorVisible).toBe(true);
  });

  it('keeps an error shown through its own transitions until the user acts', async () => {
    const h = harness(2);
    const a = actions(h);
    const failed = h.machine.dispatch(a.open(true, 'page'));
    expect(await finish(h, failed)).toBe('failed');
    expect(h.machine.state).toBe('error');
    expect(h.errorVisible).toBe(true);
    const ended = a.loopEnds(); // nothing trains: no event
    expect(ended).toBeNull();
    const takeover = h.machine.dispatch(a.takeover()); // a page transition, refused quietly
    expect(await takeover).toBe('refused');
    expect(h.errorVisible).toBe(true);
    const start = h.machine.dispatch(a.start());
    await settle();
    expect(h.errorVisible).toBe(false); // the user's next action clears it
    expect(await finish(h, start)).toBe('done');
  });

  it('leaves the state as it was when an action fails before changing anything', async () => {
    const h = harness(3);
    const a = actions(h);
    await finish(h, h.machine.dispatch(a.open(false, 'page')));
    const refused = h.machine.dispatch(a.newRun(true));
    expect(await finish(h, refused)).toBe('failed');
    expect(h.machine.state).toBe('training');
    expect(h.worker.training).toBe(true);
    expect(h.shown.at(-1)).toMatchObject({ name: 'ConfigError' });
  });
});
