import { describe, expect, it } from 'vitest';
import { pauseFor, type Clock } from '../../workers/store';

// pauseFor (workers/store/backoff.ts): the one abortable, wakeable wait behind a full disk's
// pause and a refused read's retry. A fake clock whose sleeps end when the test says.

function manualClock() {
  const timers: { ms: number; fire: () => void }[] = [];
  const clock: Clock = {
    now: () => 0,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ ms, fire: resolve })),
  };
  return { clock, timers };
}

/** 'pending', 'resolved' or the rejection's reason, once the microtasks have run. */
async function stateOf(done: Promise<void>): Promise<unknown> {
  let state: unknown = 'pending';
  done.then(
    () => (state = 'resolved'),
    (reason: unknown) => (state = reason),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return state;
}

describe('pauseFor', () => {
  it('ends when its sleep on the clock ends, not before', async () => {
    const { clock, timers } = manualClock();
    const pause = pauseFor(clock, 250);
    expect(timers.map((t) => t.ms)).toEqual([250]);
    expect(await stateOf(pause.done)).toBe('pending');
    timers[0]!.fire();
    expect(await stateOf(pause.done)).toBe('resolved');
  });

  it('wake ends it at once, and the timer firing later changes nothing', async () => {
    const { clock, timers } = manualClock();
    const controller = new AbortController();
    const pause = pauseFor(clock, 8000, controller.signal);
    pause.wake();
    expect(await stateOf(pause.done)).toBe('resolved');
    timers[0]!.fire();
    controller.abort(new Error('too late'));
    expect(await stateOf(pause.done)).toBe('resolved');
  });

  it('an abort rejects it with the signal’s reason, and a wake after that does nothing', async () => {
    const { clock } = manualClock();
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const pause = pauseFor(clock, 8000, controller.signal);
    controller.abort(reason);
    pause.wake();
    expect(await stateOf(pause.done)).toBe(reason);
  });

  it('a signal already aborted rejects it without waiting', async () => {
    const { clock } = manualClock();
    const reason = new Error('cancelled before');
    expect(await stateOf(pauseFor(clock, 8000, AbortSignal.abort(reason)).done)).toBe(reason);
  });
});
