import { element } from './element';
import { formatBytes } from './format';

export interface StorageEstimateLike {
  readonly usage: number;
  readonly quota: number;
}

export interface StorageMeterController {
  /**
   * `estimate` null: the browser gave none. `persisted` null: unknown, so the line says
   * nothing about eviction.
   */
  show(estimate: StorageEstimateLike | null, persisted: boolean | null): void;
}

/** One line: how much of the origin's quota is used, and whether the browser may evict it. */
export function createStorageMeter(root: HTMLElement): StorageMeterController {
  const line = element('p', { 'data-testid': 'storage', class: 'storage-meter' });
  root.replaceChildren(line);
  return {
    show(estimate, persisted) {
      const usage =
        estimate === null
          ? 'usage unknown'
          : `${formatBytes(estimate.usage)} used of ${formatBytes(estimate.quota)}`;
      const note =
        persisted === null
          ? ''
          : persisted
            ? ' (persistent)'
            : ' (may be evicted under storage pressure)';
      line.textContent = `Storage: ${usage}${note}`;
      if (persisted === null) delete line.dataset['persisted'];
      else line.dataset['persisted'] = String(persisted);
    },
  };
}
