import { element } from './element';
import { formatBytes } from './format';

export interface StorageEstimateLike {
  readonly usage: number;
  readonly quota: number;
}

/**
 * What the newest commit did with its second copy (the snapshot-committed event's `mirror`):
 * written (its size), failed (why), or null where this browser has no origin private file system
 * (or none that can replace a file whole: createWritable() and move()).
 */
export type SecondCopy =
  { readonly ms: number; readonly bytes: number } | { readonly error: string } | null;

export interface StorageMeterController {
  /**
   * `estimate` null: the browser gave none. `persisted` null: the browser does not say
   * (no navigator.storage), which the page treats as the risk it is. `corporaBytes`: what the
   * token shards take, a part of the usage (the origin private file system counts in it).
   */
  show(estimate: StorageEstimateLike | null, persisted: boolean | null, corporaBytes: number): void;
  showSecondCopy(copy: SecondCopy): void;
}

// Why best-effort storage matters, and what keeps a run whatever the browser does.
const RISK =
  'The browser may delete this page’s runs and snapshots when disk space runs short, and Safari ' +
  'deletes a site’s storage after 7 days without a visit unless the site was added to the Home ' +
  'Screen or Dock. Keep a copy outside the browser:';

/**
 * How much of the origin's quota is used and whether the browser keeps it; where it may not,
 * what that risks and a button to export the shown run's newest snapshot; and whether the
 * newest commit also has its second copy.
 */
export function createStorageMeter(
  root: HTMLElement,
  onExport: () => void,
): StorageMeterController {
  const line = element('p', { 'data-testid': 'storage', class: 'storage-meter' });
  const exportCopy = element('button', { type: 'button' }, 'Export a copy');
  exportCopy.addEventListener('click', () => onExport());
  const risk = element(
    'p',
    { 'data-testid': 'storage-risk', class: 'storage-risk', hidden: true },
    element('span', {}, ''),
    ' ',
    exportCopy,
  );
  const secondCopy = element('p', { 'data-testid': 'second-copy', class: 'storage-meter' });
  root.replaceChildren(line, risk, secondCopy);
  return {
    show(estimate, persisted, corporaBytes) {
      const usage =
        estimate === null
          ? 'usage unknown'
          : `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}`;
      const corpora = corporaBytes > 0 ? `, corpora ${formatBytes(corporaBytes)}` : '';
      const note =
        persisted === null
          ? ' (this browser does not say whether it keeps it)'
          : persisted
            ? ' (persistent)'
            : ' (not persistent: may be evicted)';
      line.textContent = `Storage: ${usage}${corpora}${note}`;
      line.dataset['persisted'] = String(persisted);
      risk.hidden = persisted === true;
      risk.firstElementChild!.textContent = RISK;
    },
    showSecondCopy(copy) {
      secondCopy.textContent =
        copy === null
          ? 'No second copy: this browser has no origin private file system that can replace a file whole, so snapshots live in IndexedDB alone.'
          : 'error' in copy
            ? `The second copy failed (${copy.error}); IndexedDB still holds every snapshot.`
            : `Second copy: the newest snapshot of each run is also in the origin private file system (${formatBytes(copy.bytes)}).`;
    },
  };
}
