import { TrainerError } from './trainer-error';

/** A browser API the page cannot start without, and what it is for. */
export interface MissingFeature {
  /** As the user may search for it, e.g. "IndexedDB". */
  readonly name: string;
  /** What the trainer uses it for. */
  readonly use: string;
}

/**
 * The browser lacks an API the page cannot work without (IndexedDB, Web Workers, Web Crypto,
 * Web Locks):
 * nothing was started and nothing was written.
 */
export class BrowserFeatureMissingError extends TrainerError {
  override name = 'BrowserFeatureMissingError';
  constructor(readonly missing: readonly MissingFeature[]) {
    const list = missing.map((f) => `${f.name} (${f.use})`).join(', ');
    super(
      `This browser lacks what the trainer needs: ${list}. Open the page in a current Firefox, Chrome, Edge or Safari, in a normal (not private) window, over https:// or http://localhost; a browser setting or extension that turns these off must allow them for this site.`,
    );
  }
}

/** The page's code failed while it loaded (before any run was touched). */
export class PageStartError extends TrainerError {
  override name = 'PageStartError';
  constructor(readonly detail: string) {
    super(
      `The page failed to start: ${detail}. Nothing was changed: your runs are still stored. Reload the page; if this persists, update the browser or use a current Firefox, Chrome, Edge or Safari, and report this message.`,
    );
  }
}
