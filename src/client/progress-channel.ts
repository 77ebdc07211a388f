import type { TrainerEvent } from '../shared/api';

interface RunEvent {
  readonly runId: string;
  readonly event: TrainerEvent;
}

/** What a watching tab shows of the training tab's events. */
const RELAYED: ReadonlySet<TrainerEvent['type']> = new Set([
  'progress',
  'val',
  'snapshot-committed',
]);

/** The training tab's events, relayed to the other tabs that watch the same run. */
export class ProgressChannel {
  private readonly channel = new BroadcastChannel('tab-trainer:progress');
  private watched: string | null = null;

  constructor(onEvent: (event: TrainerEvent) => void) {
    this.channel.onmessage = (message: MessageEvent<RunEvent>) => {
      if (message.data.runId === this.watched) onEvent(message.data.event);
    };
  }

  /** Start (or stop, with null) showing another tab's progress on a run. */
  watch(runId: string | null): void {
    this.watched = runId;
  }

  publish(runId: string, event: TrainerEvent): void {
    if (RELAYED.has(event.type)) this.channel.postMessage({ runId, event } satisfies RunEvent);
  }
}
