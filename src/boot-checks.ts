import type { MissingFeature } from './shared/browser-errors';

// What the page checks before it loads anything else (src/boot.ts): pure functions of the
// browser's globals, so that unit tests can hand them a browser that lacks one.

/** The globals the page cannot start without, as they look on `self`. */
export interface BootScope {
  readonly indexedDB?: unknown;
  readonly Worker?: unknown;
  readonly crypto?: { readonly subtle?: unknown };
  readonly navigator?: { readonly locks?: unknown };
}

/** Reads a global that some browsers guard with a throwing getter (e.g. a sandboxed frame). */
function present(read: () => unknown): boolean {
  try {
    return read() !== undefined && read() !== null;
  } catch {
    return false;
  }
}

/**
 * What the page needs and this browser lacks. The page's own globals stand for the worker's:
 * a browser that turns IndexedDB off (a privacy setting, an old private window) turns it off
 * for the whole origin.
 */
export function missingFeatures(scope: BootScope): MissingFeature[] {
  const missing: MissingFeature[] = [];
  if (!present(() => scope.indexedDB)) {
    missing.push({ name: 'IndexedDB', use: 'where runs and snapshots are stored' });
  }
  if (typeof scope.Worker !== 'function') {
    missing.push({ name: 'Web Workers', use: 'training runs in one, beside the page' });
  }
  if (!present(() => scope.crypto?.subtle)) {
    missing.push({
      name: 'Web Crypto (crypto.subtle)',
      use: 'the SHA-256 that checks every snapshot; browsers offer it only to https:// and localhost pages',
    });
  }
  return missing;
}

/**
 * What the page does without, and says so: Web Locks keep two tabs from training the same run;
 * without them (every engine has had them since 2022) each tab trains what it opens.
 */
export function degradedFeatures(scope: BootScope): string[] {
  if (present(() => scope.navigator?.locks)) return [];
  return [
    'This browser has no Web Locks (navigator.locks), so tabs cannot agree which one trains a run: open each run in one tab only. A second tab on the same run would train it too, and their snapshots would interleave.',
  ];
}

/**
 * A locale Intl accepts in place of `language`, or null when `language` is fine. Under
 * LANG=C, WebKitGTK reports navigator.language as "C", which every Intl constructor refuses
 * with a RangeError; the engine's own default locale is what Intl would use for no locale.
 */
export function repairedLanguage(language: string | undefined): string | null {
  try {
    if (language !== undefined && Intl.getCanonicalLocales(language).length === 1) return null;
  } catch {
    // not a BCP 47 tag: replaced below
  }
  return new Intl.NumberFormat().resolvedOptions().locale;
}
