/**
 * Every failure the user can meet, one named class each. Errors cross the worker boundary as
 * {name, message} (comlink keeps only those), so callers switch on `err.name`, never on
 * instanceof. Each message says what went wrong and what to do next.
 *
 * Where a failure can be thrown from more than one place, its class builds the message from
 * the facts it is given (as web-llm's error.ts does), so it reads the same wherever it comes
 * from. Classes whose every throw site states a different fact (a config field out of range,
 * a malformed checkpoint entry) take the message.
 */
// Names are spelled out, not read from the constructor: the production build minifies class
// names, and a minified name would reach the page as "t: ...".
export class TrainerError extends Error {
  override name = 'TrainerError';
}

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
    readonly state: string,
  ) {
    super(`${action} is not possible while the page is ${describeState(state)}. ${hint(state)}`);
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

function describeState(state: string): string {
  switch (state) {
    case 'booting':
      return 'starting up';
    case 'resuming':
      return 'resuming a run';
    case 'watching':
      return 'watching a run that another tab trains';
    case 'idle':
      return 'showing no run';
    default:
      return state;
  }
}

function hint(state: string): string {
  switch (state) {
    case 'watching':
      return 'Use the tab that trains it, or close that tab and this one takes over.';
    case 'idle':
    case 'error':
      return 'Press New run, or open a stored run.';
    case 'paused':
      return 'Press Start first.';
    default:
      return 'Wait until it has finished and try again.';
  }
}

export class CheckpointFormatError extends TrainerError {
  override name = 'CheckpointFormatError';
}
// Narrower checkpoint refusals extend CheckpointFormatError for code that holds the class, but
// across the worker only the name survives: a caller that wants "any import refusal" should test
// `name.startsWith('Checkpoint')`.
/** The file ends before what its own header promises: a partial download or copy. */
export class CheckpointTruncatedError extends CheckpointFormatError {
  override name = 'CheckpointTruncatedError';
}
/** The header asks for more than the importer's caps allow; refused before allocating it. */
export class CheckpointLimitError extends CheckpointFormatError {
  override name = 'CheckpointLimitError';
}
export class CheckpointMismatchError extends TrainerError {
  override name = 'CheckpointMismatchError';
}
export class CheckpointVersionError extends TrainerError {
  override name = 'CheckpointVersionError';
}
export class CheckpointIntegrityError extends TrainerError {
  override name = 'CheckpointIntegrityError';
}
export class CheckpointDatasetError extends TrainerError {
  override name = 'CheckpointDatasetError';
  constructor(
    readonly datasetName: string,
    readonly datasetId: string,
  ) {
    super(
      `This checkpoint was trained on "${datasetName}" (SHA-256 ${datasetId.slice(0, 16)}…), which this browser does not have. Choose that text file as the training text, then import again.`,
    );
  }
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

// Storage faults (issue 9). Each is built from its facts and writes its own message, so the
// page never shows a raw DOMException as the whole story.

/** The newest committed snapshot of a run, as far as the store knows; null when none yet. */
export interface NewestSnapshot {
  readonly step: number;
  /** Commit time, ms since the epoch. */
  readonly at: number;
}

/** "HH:MM" in local time; the same on every locale, so tests and users read one format. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function newestText(newest: NewestSnapshot | null): string {
  return newest === null
    ? 'this run has no saved snapshot yet'
    : `the newest good snapshot is step ${newest.step} from ${clockTime(newest.at)}`;
}

function causeText(cause: string | undefined): string {
  return cause === undefined || cause === '' ? '' : ` (the browser said: ${cause})`;
}

export interface StorageFaultFacts {
  /** The step whose snapshot was not saved; null for a read. */
  readonly step: number | null;
  readonly newest: NewestSnapshot | null;
  /** The browser's own words, kept as a detail, never as the whole message. */
  readonly cause?: string;
}

/** The disk (or the volume holding the browser profile) has no room for the snapshot. */
export class StorageFullError extends TrainerError {
  override name = 'StorageFullError';
  constructor(facts: StorageFaultFacts) {
    super(
      `The disk is full (or the browser cannot write to it): ${facts.step === null ? 'the snapshot database cannot be written' : `the snapshot at step ${facts.step} was not saved`}. Snapshots are paused and will resume by themselves once space is free; ${newestText(facts.newest)}. Training goes on.${causeText(facts.cause)}`,
    );
  }
}

/** The browser closed the database connection and it could not be reopened yet. */
export class StorageClosedError extends TrainerError {
  override name = 'StorageClosedError';
  constructor(facts: StorageFaultFacts) {
    super(
      facts.step === null
        ? `The browser closed the snapshot database and it could not be reopened yet: try again in a moment; the trainer keeps reopening it by itself.${causeText(facts.cause)}`
        : `The browser closed the snapshot database: the snapshot at step ${facts.step} was not saved. The trainer reopens it by itself and the next snapshot tries again; ${newestText(facts.newest)}. Training goes on.${causeText(facts.cause)}`,
    );
  }
}

export interface StorageEvictedFacts {
  readonly runName: string;
  /** The step of the fresh snapshot written from memory, or null if it could not be written. */
  readonly rewrittenStep: number | null;
  /** Whether the browser granted persistent storage; null when unknown. */
  readonly persisted: boolean | null;
}

/**
 * The site's stored data vanished while a run trained: the user cleared site data, or the
 * browser evicted best-effort storage. The training tab still holds the run in memory.
 */
export class StorageEvictedError extends TrainerError {
  override name = 'StorageEvictedError';
  constructor(facts: StorageEvictedFacts) {
    const what =
      facts.rewrittenStep === null
        ? `Its state is still in this tab's memory and is written again with the next snapshot; keep this tab open until then.`
        : `It was written again from this tab's memory: a complete snapshot at step ${facts.rewrittenStep} is saved; older snapshots are gone.`;
    const persist =
      facts.persisted === true
        ? ''
        : ' The browser has not granted persistent storage, so it may evict the data again under storage pressure: export a checkpoint to keep a copy outside the browser.';
    super(
      `This site's stored data was cleared (by "Clear site data" or by the browser) while run "${facts.runName}" trained. ${what}${persist}`,
    );
  }
}

export interface StoreVersionFacts {
  /** The database's version on disk, written by a newer release of the app in another tab. */
  readonly found: number | null;
  /** The newest version this tab's code knows. */
  readonly supported: number;
  readonly newest: NewestSnapshot | null;
}

/** The database was upgraded by a newer release of the app: this tab's code is too old for it. */
export class StoreVersionError extends TrainerError {
  override name = 'StoreVersionError';
  constructor(facts: StoreVersionFacts) {
    const found = facts.found === null ? 'a newer version' : `version ${facts.found}`;
    super(
      `A newer release of this app upgraded the snapshot database (${found}; this tab knows version ${facts.supported}), so this tab can no longer save snapshots. Reload the page to continue: it resumes from the newest snapshot; ${newestText(facts.newest)}.`,
    );
  }
}

/** A job the caller named is not in the store (deleted here or in another tab). */
export class JobNotFoundError extends TrainerError {
  override name = 'JobNotFoundError';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} no longer exists (it may have been deleted in another tab).`);
  }
}

/** A job's input file has no line to work on. */
export class JobInputEmptyError extends TrainerError {
  override name = 'JobInputEmptyError';
  constructor(readonly fileName: string) {
    super(`"${fileName}" has no non-empty line. Choose a file with one item per line.`);
  }
}

/** A job's input (its file, a line of it, or its item count) is over a limit. */
export class JobInputTooLargeError extends TrainerError {
  override name = 'JobInputTooLargeError';
  constructor(
    readonly what: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `${what} is ${size.toLocaleString('en')}; a job takes at most ${limit.toLocaleString('en')}. Split the input into smaller jobs.`,
    );
  }
}

/** A line of a job's input holds a character the model never saw, so it has no probability. */
export class JobVocabularyError extends TrainerError {
  override name = 'JobVocabularyError';
  constructor(
    readonly fileName: string,
    readonly line: number,
    readonly char: string,
  ) {
    const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    super(
      `Line ${line} of "${fileName}" holds "${char}" (${code}), which is not in the model's vocabulary. Remove it or use a model trained on text that has it.`,
    );
  }
}

/** A job parameter out of its range. */
export class JobParamError extends TrainerError {
  override name = 'JobParamError';
  constructor(
    readonly field: string,
    readonly value: number,
    readonly min: number,
    readonly max: number,
  ) {
    super(
      `${field} must be ${Number.isInteger(min) && Number.isInteger(max) ? 'a whole number ' : ''}between ${min} and ${max}; got ${value}.`,
    );
  }
}

/** A job's model no longer matches what the job started with: its results would mix models. */
export class JobModelMismatchError extends TrainerError {
  override name = 'JobModelMismatchError';
  constructor(
    readonly jobId: string,
    readonly snapshotStep: number,
    readonly detail: string,
  ) {
    super(
      `Job ${jobId.slice(0, 8)} cannot continue: its model (the snapshot at step ${snapshotStep}) no longer matches what the job started with (${detail}). Its committed results stay downloadable; start a new job for the rest.`,
    );
  }
}

/** A job's stored input no longer hashes to what the job started with. */
export class JobInputMismatchError extends TrainerError {
  override name = 'JobInputMismatchError';
  constructor(
    readonly jobId: string,
    readonly inputName: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `Job ${jobId.slice(0, 8)} cannot continue: its input "${inputName}" changed (SHA-256 ${found.slice(0, 12)}…, the job started with ${expected.slice(0, 12)}…). Its committed results stay downloadable; start a new job for the rest.`,
    );
  }
}

/** A snapshot cannot be deleted while a job uses it. */
export class SnapshotInUseError extends TrainerError {
  override name = 'SnapshotInUseError';
  constructor(
    readonly step: number,
    readonly jobs: number,
  ) {
    super(
      `The snapshot at step ${step} is used by ${jobs === 1 ? 'a job' : `${jobs} jobs`}; delete ${jobs === 1 ? 'that job' : 'those jobs'} first.`,
    );
  }
}

/** A job's batch could not be written (a full disk, or the browser refused the write). */
export class JobStorageError extends TrainerError {
  override name = 'JobStorageError';
  constructor(
    readonly committed: number,
    readonly total: number,
    readonly detail?: string,
  ) {
    super(
      `The disk is full (or the browser cannot write to it): the job is paused at ${committed.toLocaleString('en')} of ${total.toLocaleString('en')} items, every one of them saved. It goes on by itself once space is free.${detail ? ` (${detail})` : ''}`,
    );
  }
}
