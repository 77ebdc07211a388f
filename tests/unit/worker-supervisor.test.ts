import { describe, expect, it, vi } from 'vitest';
import { ACTION_STATES } from '../../src/client/action-states';
import { PageMachine } from '../../src/client/page-machine';
import type { TrainerConnection, WorkerApi } from '../../src/client/trainer-client';
import {
  reportedByRestart,
  TrainerSupervisor,
  type Recovery,
} from '../../src/client/worker-supervisor';
import type { EventSink } from '../../src/shared/api';
import { DEFAULT_SETTINGS, type SnapshotIntervalInfo } from '../../src/shared/config';
import { TrainerCrashedError, type SerializedError } from '../../src/shared/errors';
import type { PageState } from '../../src/shared/page-state';

const INTERVAL: SnapshotIntervalInfo = {
  mode: 'auto',
  seconds: 60,
  costMs: null,
  mtbiSeconds: 3600,
};

/**
 * A worker as trainer-client.ts connects one: every call races the worker's death, and a crash
 * rejects the calls in flight with TrainerCrashedError before it tells the supervisor.
 */
class FakeWorker {
  private died: (err: Error) => void = () => undefined;
  private readonly gone = new Promise<never>((_, reject) => (this.died = reject));
  readonly api = {
    setSnapshotPolicy: async () => INTERVAL,
    /** A call this worker never answers: it dies first. */
    hang: () => new Promise<never>(() => undefined),
  };

  constructor(
    readonly onEvent: EventSink,
    private readonly onCrash: (message: string) => void,
  ) {
    this.gone.catch(() => undefined);
  }

  connection(): TrainerConnection {
    const api = this.api as unknown as WorkerApi;
    return {
      api,
      report: { backend: 'cpu', fallbackReason: null },
      call: (fn) => Promise.race([fn(api), this.gone]),
      terminate: () => this.died(new TrainerCrashedError('the trainer was restarted', false)),
    };
  }

  crash(message: string): void {
    this.died(new TrainerCrashedError(`the worker crashed (${message})`, false));
    this.onCrash(message);
  }
}

function harness(firstState: PageState) {
  const shown: SerializedError[] = [];
  let cleared = 0;
  const machine = new PageMachine(
    { render: () => undefined, showError: (e) => shown.push(e), clearError: () => undefined },
    (error) => !reportedByRestart(error),
  );
  const workers: FakeWorker[] = [];
  const recoveries: Recovery[] = [];
  const trainer = new TrainerSupervisor(
    DEFAULT_SETTINGS,
    machine,
    (action) => machine.dispatch(action),
    {
      connected: () => undefined,
      event: () => undefined,
      recover: async (_enter, recovery) => {
        recoveries.push(recovery);
        return recovery.train ? 'training' : 'paused';
      },
      clearError: () => void (cleared += 1),
    },
    async (_backend, onEvent, onCrash) => {
      const worker = new FakeWorker(onEvent, onCrash);
      workers.push(worker);
      return worker.connection();
    },
  );
  const boot = machine.dispatch({
    label: 'Starting the page',
    origin: 'page',
    allowed: ACTION_STATES.boot,
    exclusive: true,
    run: async () => {
      await trainer.connect();
      return firstState;
    },
  });
  /** Waits until the restarts asked for have run and `count` workers were connected. */
  const settled = (count: number) =>
    vi.waitFor(() => {
      expect(workers).toHaveLength(count);
      expect(machine.busy).toBe(false);
    });
  return { machine, trainer, workers, shown, recoveries, boot, settled, cleared: () => cleared };
}

describe('TrainerSupervisor', () => {
  it('leaves a worker that died under a call to the restart to report, whatever its text says', async () => {
    const h = harness('training');
    expect(await h.boot).toBe('done');
    const snapshot = h.machine.dispatch({
      label: 'Snapshot now',
      origin: 'user',
      allowed: ACTION_STATES.snapshotNow,
      exclusive: false,
      run: async () => {
        await h.trainer.worker.call((api) => (api as unknown as FakeWorker['api']).hang());
      },
    });
    // The message happens to hold the word a text match once looked for.
    h.workers[0]!.crash('a kernel failed repeatedly');
    expect(await snapshot).toBe('failed');
    await h.settled(2);
    expect(h.shown).toEqual([]);
    expect(h.recoveries).toEqual([
      {
        train: true,
        verb: 'Restarted the trainer after the worker crashed (a kernel failed repeatedly). Resuming',
      },
    ]);
    expect(h.machine.state).toBe('training');
  });

  it('shows the crash, repeatedly true, once 3 restarts within 5 minutes are spent', async () => {
    const h = harness('training');
    await h.boot;
    for (let restart = 1; restart <= 3; restart++) {
      h.workers.at(-1)!.crash(`crash ${restart}`);
      await h.settled(restart + 1);
      expect(h.machine.state).toBe('training');
    }
    h.workers.at(-1)!.crash('crash 4');
    await vi.waitFor(() => expect(h.shown).toHaveLength(1));
    expect(h.shown[0]).toMatchObject({ name: 'TrainerCrashedError', repeatedly: true });
    expect(h.shown[0]!.message).toMatch(/^The trainer stopped: the worker crashed \(crash 4\)/);
    expect(h.workers).toHaveLength(4); // no fifth worker
    // No worker runs: the page says so instead of the state it had.
    expect(h.machine.state).toBe('error');
  });

  it('takes a step that failed just before the GPU was lost into the restart', async () => {
    const h = harness('training');
    await h.boot;
    h.trainer.noteFailedStep({ name: 'Error', message: 'the step failed' });
    h.workers[0]!.onEvent({ type: 'device-lost', message: 'gone' });
    await h.settled(2);
    expect(h.cleared()).toBe(1);
    expect(h.recoveries[0]).toEqual({
      train: true,
      verb: 'Restarted the trainer after the GPU device was lost (gone) (the step then running failed: the step failed). Resuming',
    });
  });

  it('resumes a paused page paused', async () => {
    const h = harness('paused');
    await h.boot;
    h.workers[0]!.crash('x');
    await h.settled(2);
    expect(h.recoveries[0]!.train).toBe(false);
    expect(h.machine.state).toBe('paused');
    expect(h.cleared()).toBe(0);
  });
});
