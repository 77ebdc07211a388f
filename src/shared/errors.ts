/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those; serializeError adds the facts the page acts on),
 * so callers switch on `err.name` and those facts, never on instanceof or the message's text.
 * Each message says what went wrong and what to do next.
 *
 * Where a failure can be thrown from more than one place, its class builds the message from
 * the facts it is given (as web-llm's error.ts does), so it reads the same wherever it comes
 * from. Classes whose every throw site states a different fact (a config field out of range,
 * a malformed checkpoint entry) take the message.
 */
// The classes live by domain: the base (trainer-error.ts), runs and training (here), checkpoint
// files, storage, jobs, texts and the browser itself; every caller imports them from here.
import { PAGE_STATES, type PageState } from './page-state';
import { clockTime, type NewestSnapshot } from './storage-errors';
import { TrainerError } from './trainer-error';

export { TrainerError, errorText, serializeError, type SerializedError } from './trainer-error';
export * from './checkpoint-errors';
export * from './storage-errors';
export * from './job-errors';
export * from './text-errors';
export * from './tokenizer-errors';
export * from './corpus-errors';
export * from './corpus-delete-errors';
export * from './token-file-errors';
export * from './browser-errors';

export class ConfigError extends TrainerError {
  override name = 'ConfigError';
}
export class DatasetError extends TrainerError {
  override name = 'DatasetError';
}
export class BackendError extends TrainerError {
  override name = 'BackendError';
}

/** A run the caller named is not in the store (deleted here or in another tab). */
export class RunNotFoundError extends TrainerError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string) {
    super(
      `Run ${runId} no longer exists (it may have been deleted, here or in another tab). Open another run or start a new one.`,
    );
  }
}

/** A training action came before any run was created or opened. */
export class NoActiveRunError extends TrainerError {
  override name = 'NoActiveRunError';
  constructor() {
    super('There is no run yet: press New run, or open a stored run.');
  }
}

/** The stored text a run trains on is gone, so the run cannot go on. */
export class RunTextMissingError extends TrainerError {
  override name = 'RunTextMissingError';
  constructor(readonly runName: string) {
    super(
      `The training text of run "${runName}" is missing from this browser's storage. Export its newest snapshot, choose the text file, and import the checkpoint; or start a new run.`,
    );
  }
}

/** A run exists but has no committed snapshot to resume or export yet. */
export class NoSnapshotYetError extends TrainerError {
  override name = 'NoSnapshotYetError';
  constructor(readonly runName: string) {
    super(`Run "${runName}" has no snapshot yet. Press Snapshot now, or start the run again.`);
  }
}

export class SnapshotNotFoundError extends TrainerError {
  override name = 'SnapshotNotFoundError';
  constructor(readonly snapshotId: string) {
    super(
      `Snapshot ${snapshotId} does not exist (retention or another tab may have deleted it). Pick another snapshot from the list.`,
    );
  }
}

/** A snapshot request outlived its run: the run was replaced, closed or deleted first. */
export class RunReplacedError extends TrainerError {
  override name = 'RunReplacedError';
  constructor() {
    super('The run was closed or replaced before this snapshot was taken; nothing was saved.');
  }
}

/** The run has trained its whole step budget. */
export class BudgetSpentError extends TrainerError {
  override name = 'BudgetSpentError';
  constructor(readonly budget: number) {
    super(
      `This run has used its step budget of ${budget} steps. To train on, fine-tune from its newest snapshot with a larger budget.`,
    );
  }
}

export class SnapshotError extends TrainerError {
  override name = 'SnapshotError';
}
export class StorageQuotaError extends TrainerError {
  override name = 'StorageQuotaError';
  constructor(
    readonly step: number,
    readonly newest: NewestSnapshot | null,
  ) {
    const kept =
      newest === null
        ? 'No earlier snapshot of this run was lost.'
        : `The last good snapshot (step ${newest.step} from ${clockTime(newest.at)}) is intact.`;
    super(
      `Browser storage is full: the snapshot at step ${step} could not be saved, even after ` +
        `deleting older snapshots. Snapshots resume by themselves once there is room: free disk ` +
        `space, or export the runs you want to keep and delete old runs. ${kept}`,
    );
  }
}
export class SnapshotCorruptError extends TrainerError {
  override name = 'SnapshotCorruptError';
}

/** The trainer's worker died (or its GPU was lost) and could not be brought back. */
export class TrainerCrashedError extends TrainerError {
  override name = 'TrainerCrashedError';
  constructor(
    readonly reason: string,
    readonly repeatedly: boolean,
  ) {
    super(
      repeatedly
        ? `The trainer stopped: ${reason}, repeatedly. Reload the page to try again; every committed snapshot is kept.`
        : `The trainer stopped: ${reason}. It is being restarted from the newest snapshot.`,
    );
  }
}

export interface DivergenceFacts {
  /** The steps of the spikes that made the rewinds, oldest first. */
  readonly spikeSteps: readonly number[];
  /** The window of steps they fell within. */
  readonly window: number;
  /** The step the run was rewound to and paused at. */
  readonly pausedAt: number;
  /** The learning rate the run was using (base, with the guard's factor) and its clip. */
  readonly lr: number;
  readonly clip: number;
}

/**
 * The divergence guard rewound the run three times within its window: the loss keeps
 * exploding, so rewinding alone will not fix it.
 */
export class DivergenceError extends TrainerError {
  override name = 'DivergenceError';
  constructor(readonly facts: DivergenceFacts) {
    const steps = facts.spikeSteps.join(', ');
    const clip =
      facts.clip > 0
        ? `a lower clipping threshold (now ${facts.clip})`
        : 'gradient clipping (clip=1)';
    super(
      `The loss diverged ${facts.spikeSteps.length} times within ${facts.window} steps (at steps ${steps}); the guard rewound each time and has stopped the run at step ${facts.pausedAt}. ` +
        `Try a lower learning rate (now ${facts.lr}), ${clip} or a longer warm-up: start a new run from the newest snapshot with a lower learning rate, or a new run with these settings. Every snapshot is kept.`,
    );
  }
}

/** The page refused a user action because of what the page is doing at that moment. */
export class ActionRefusedError extends TrainerError {
  override name = 'ActionRefusedError';
  constructor(
    readonly action: string,
    readonly state: PageState,
  ) {
    const { doing, hint } = PAGE_STATES[state];
    super(`${action} is not possible while the page is ${doing}. ${hint}`);
  }
}

/** The user (or a reload) cancelled a long operation; nothing was written. */
export class CancelledError extends TrainerError {
  override name = 'CancelledError';
  constructor(readonly action: string) {
    super(`${action} was cancelled; nothing was written.`);
  }
}

/** Another tab trains the run this tab tried to take: it is watched instead. */
export class RunBusyError extends TrainerError {
  override name = 'RunBusyError';
  constructor(readonly runName: string) {
    super(
      `Run "${runName}" is being trained in another tab. This tab shows its progress and takes over when that tab closes.`,
    );
  }
}
