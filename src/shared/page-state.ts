// The page's states, written once: the page machine moves between them, the status badge shows
// them, and a refused action's message (ActionRefusedError) says what the page was doing in
// them and what to do. Here in src/shared because all three import it (client, ui, errors).

const WAIT = 'Wait until it has finished and try again.';
const NEW_OR_OPEN = 'Press New run, or open a stored run.';

/** Each state: what the page is doing in it, as a refusal says it, and what the user can do. */
export const PAGE_STATES = {
  /** The page has not yet decided what it shows (it connects the worker). */
  booting: { doing: 'starting up', hint: WAIT },
  /** No run is shown. */
  idle: { doing: 'showing no run', hint: NEW_OR_OPEN },
  /** This tab's worker trains the shown run. */
  training: { doing: 'training', hint: WAIT },
  /** This tab holds the shown run, stopped at a step boundary. */
  paused: { doing: 'paused', hint: 'Press Start first.' },
  /** A stored run is being loaded (open, roll back, takeover, restart after a crash). */
  resuming: { doing: 'resuming a run', hint: WAIT },
  /** Another tab trains the shown run; this one mirrors its progress. */
  watching: {
    doing: 'watching a run that another tab trains',
    hint: 'Use the tab that trains it, or close that tab and this one takes over.',
  },
  /** The run could not go on; the error area says why. */
  error: { doing: 'error', hint: NEW_OR_OPEN },
} as const satisfies Record<string, { readonly doing: string; readonly hint: string }>;

/** What the page is doing with the run it shows; `data-testid="status"` shows it. */
export type PageState = keyof typeof PAGE_STATES;

/** States in which an action has started but not settled what the page shows. */
export const TRANSITIONAL: readonly PageState[] = ['booting', 'resuming'];

/** Every state that is not transitional: the page shows what an action settled on. */
export const SETTLED: readonly PageState[] = ['idle', 'training', 'paused', 'watching', 'error'];

/** The settled states that show a run (this tab's or another tab's). */
export const WITH_RUN: readonly PageState[] = ['training', 'paused', 'watching', 'error'];

/**
 * The settled states in which this tab is the shown run's writer: it holds the run's lock, and
 * its worker has the run (in `error`, unless the error is that loading the run failed).
 */
export const HOLDING: readonly PageState[] = ['training', 'paused', 'error'];
