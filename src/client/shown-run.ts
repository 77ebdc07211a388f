import type { ChosenText } from '../ui/dataset-picker';
import type { RunRecord } from '../shared/snapshot';

/** The run the page shows, read-only: for the owners that act on it but never change it. */
export interface ShownRunView {
  /** The shown run (trained here, or watched), null when none is shown. */
  readonly run: RunRecord | null;
  /**
   * The user's text the newest run made in this tab trains on (null: the bundled names): a new
   * run, an import and a fork take it, as the dataset picker left it.
   */
  readonly dataset: ChosenText | null;
}

/** The shown run; only the run transitions (run-transitions.ts) change it. */
export class ShownRun implements ShownRunView {
  run: RunRecord | null = null;
  dataset: ChosenText | null = null;
}
