import type { TrainerEvent } from '../shared/api';
import { ProgressChannel } from './progress-channel';
import { RunLock } from './run-lock';

/**
 * This tab's role towards the run it shows: its writer (it holds the run's Web Lock and relays
 * the run's progress to other tabs), or a follower (it mirrors the writer's relayed progress
 * and queues for the lock, to take over when the writer's tab goes), or neither.
 */
export class RunLease {
  private readonly lock = new RunLock();
  private readonly channel: ProgressChannel;

  /** `onRelayed` shows another tab's events for the followed run. */
  constructor(onRelayed: (event: TrainerEvent) => void) {
    this.channel = new ProgressChannel(onRelayed);
  }

  /** Whether this tab is the run's writer. */
  holds(runId: string): boolean {
    return this.lock.holds(runId);
  }

  /** Becomes the run's writer if no other tab is; lets go of any other run first. */
  claim(runId: string): Promise<boolean> {
    this.channel.watch(null);
    return this.lock.tryAcquire(runId);
  }

  /**
   * Follows the writer of the run: mirrors its progress and queues for its lock. Once the lock
   * is granted (the writer's tab closed, crashed or moved on) the mirroring stops and
   * `onGranted` runs: this tab is the writer now.
   */
  follow(runId: string, onGranted: () => void): void {
    this.channel.watch(runId);
    this.lock.waitFor(runId, () => {
      this.channel.watch(null);
      onGranted();
    });
  }

  /** Relays this tab's event of a run it writes to the tabs that follow it. */
  publish(runId: string, event: TrainerEvent): void {
    this.channel.publish(runId, event);
  }

  /** Neither writer nor follower: lets go of the lock, leaves the queue, stops mirroring. */
  release(): void {
    this.channel.watch(null);
    this.lock.release();
  }
}
