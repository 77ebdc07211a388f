import type { EventSink } from '../../src/shared/api';
import type { TrainingSession } from './session';

const PROGRESS_MS = 100;

/**
 * Throttles progress events to one per 100 ms, each carrying every step's loss since the last
 * one (the chart shows them all), with steps/s and tokens/s over that interval.
 */
export class ProgressReporter {
  private last = { at: 0, step: 0 };
  private unreported: [number, number][] = [];

  constructor(
    private readonly session: TrainingSession,
    private readonly emit: EventSink,
  ) {
    this.last = { at: performance.now(), step: session.step };
  }

  record(loss: number): void {
    this.unreported.push([this.session.step, loss]);
    if (performance.now() - this.last.at >= PROGRESS_MS) this.flush();
  }

  /** After a rewind: the step went back, so steps/s counts from here. */
  rebase(): void {
    this.unreported = [];
    this.last = { at: performance.now(), step: this.session.step };
  }

  flush(): void {
    const newest = this.unreported[this.unreported.length - 1];
    if (newest === undefined) return;
    const now = performance.now();
    const stepsPerSec = ((this.session.step - this.last.step) * 1000) / (now - this.last.at);
    this.last = { at: now, step: this.session.step };
    this.emit({
      type: 'progress',
      step: this.session.step,
      epoch: this.session.sampler.position().epoch,
      loss: newest[1],
      stepsPerSec,
      tokensPerSec: stepsPerSec * this.session.tokensPerStep,
      tokensSeen: this.session.tokensSeen,
      losses: this.unreported,
    });
    this.unreported = [];
  }
}
