import { newestFirst } from '../shared/newest-first';
import type { SnapshotSummary } from '../shared/snapshot';
import { element, labelledButton as button } from './element';
import { formatBytes, formatTime } from './format';

export interface SnapshotsPanelHandlers {
  onResume(snapshotId: string): void;
  /** `pinned` is the new state: true to pin, false to unpin. */
  onPin(snapshotId: string, pinned: boolean): void;
  /** Called only after the user confirmed the deletion. */
  onDelete(snapshotId: string): void;
  onExport(snapshotId: string): void;
  /** Offers a new run from this snapshot's weights (fine-tuning). */
  onFork(snapshot: SnapshotSummary): void;
}

export interface SnapshotsPanelController {
  /** Replaces the table; rows show newest step first. `latestId` gets the "latest" badge. */
  render(snapshots: readonly SnapshotSummary[], latestId: string | null): void;
  /** Disables every button: the page's state does not allow them now. */
  setEnabled(enabled: boolean): void;
}

const COLUMNS = [
  'Step',
  'Saved at',
  'Train loss',
  'Validation loss',
  'Size',
  'Trigger',
  'Pinned',
  'Actions',
];

/**
 * The current run's snapshots. Heading and table go around whatever `root` already holds (the
 * storage meter's mount), so the page may place other markup inside the section.
 */
export function createSnapshotsPanel(
  root: HTMLElement,
  handlers: SnapshotsPanelHandlers,
): SnapshotsPanelController {
  const heading = element('h2', { id: 'snapshots-heading' }, 'Snapshots');
  const body = element('tbody');
  const table = element(
    'table',
    { 'data-testid': 'snapshots', class: 'snapshots', 'aria-labelledby': heading.id, hidden: true },
    element(
      'thead',
      {},
      element('tr', {}, ...COLUMNS.map((name) => element('th', { scope: 'col' }, name))),
    ),
    body,
  );
  const empty = element(
    'p',
    { 'data-testid': 'snapshots-empty', class: 'hint' },
    'No snapshots yet.',
  );
  root.setAttribute('aria-labelledby', heading.id);
  root.prepend(heading);
  root.append(empty, element('div', { class: 'table-scroll' }, table));
  let enabled = true;

  function applyEnabled(): void {
    for (const btn of body.querySelectorAll('button')) btn.disabled = !enabled;
  }

  function row(s: SnapshotSummary, latest: boolean): HTMLTableRowElement {
    const step = String(s.step);
    const stepCell = element('th', { scope: 'row', class: 'num' }, step);
    if (latest) stepCell.append(' ', element('span', { class: 'badge badge-latest' }, 'latest'));
    const pin = s.pinned ? 'Unpin' : 'Pin';
    return element(
      'tr',
      {
        'data-testid': 'snapshot-row',
        'data-snapshot-id': s.id,
        'data-step': step,
        'data-latest': latest ? 'true' : undefined,
        'data-pinned': s.pinned ? 'true' : undefined,
      },
      stepCell,
      element('td', {}, formatTime(s.createdAt)),
      element('td', { class: 'num' }, s.trainLoss === null ? '—' : s.trainLoss.toFixed(4)),
      element('td', { class: 'num' }, s.valLoss === null ? '—' : s.valLoss.toFixed(4)),
      element('td', { class: 'num' }, formatBytes(s.bytes)),
      element('td', {}, s.trigger),
      element('td', {}, s.pinned ? element('span', { class: 'badge badge-pinned' }, 'pinned') : ''),
      element(
        'td',
        {},
        element(
          'div',
          { class: 'row-actions' },
          button('Resume', `Resume from step ${step}`, () => handlers.onResume(s.id)),
          button(pin, `${pin} snapshot at step ${step}`, () => handlers.onPin(s.id, !s.pinned)),
          button('Delete', `Delete snapshot at step ${step}`, () => {
            const note = s.pinned ? ' It is pinned.' : '';
            if (confirm(`Delete the snapshot at step ${step}?${note}`)) handlers.onDelete(s.id);
          }),
          button('Export', `Export snapshot at step ${step}`, () => handlers.onExport(s.id)),
          button('Fine-tune', `Fine-tune from step ${step}`, () => handlers.onFork(s)),
        ),
      ),
    );
  }

  return {
    render(snapshots, latestId) {
      // Retention's order (newest commit first): after a roll back the live branch leads.
      const sorted = [...snapshots].sort(newestFirst);
      body.replaceChildren(...sorted.map((s) => row(s, s.id === latestId)));
      table.hidden = sorted.length === 0;
      empty.hidden = sorted.length > 0;
      applyEnabled();
    },
    setEnabled(next) {
      enabled = next;
      applyEnabled();
    },
  };
}
