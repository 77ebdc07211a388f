import type { SnapshotIntervalInfo, SnapshotPolicy } from '../shared/config';
import { element } from './element';

export interface SnapshotIntervalController {
  show(info: SnapshotIntervalInfo): void;
}

/**
 * From this share of a fixed interval on, the line says that auto would space snapshots by their
 * cost: a snapshot's work (reading the state, hashing, writing) takes a core from training while
 * it lasts, and back-to-back snapshots cost the steps 13-19% on two cores (docs/PERFORMANCE.md).
 */
const COSTLY_SHARE = 0.1;

/** The interval in force and why: a fixed one with its measured cost, or auto's formula. */
export function describeInterval(info: SnapshotIntervalInfo): string {
  const every = `Snapshots every ${Math.round(info.seconds)} s`;
  const cost = info.costMs === null ? 'not yet measured' : `${(info.costMs / 1000).toFixed(2)} s`;
  if (info.mode === 'fixed') {
    if (info.costMs === null) return `${every} (fixed)`;
    const share = info.costMs / 1000 / info.seconds;
    const costly =
      share < COSTLY_SHARE
        ? ''
        : `, ${Math.round(100 * share)}% of the interval: blank (auto) spaces them by their cost`;
    return `${every} (fixed; a snapshot takes ${cost}${costly})`;
  }
  const mtbi = ((info.mtbiSeconds ?? 0) / 60).toFixed(0);
  return `${every} (auto, Young's √(2·C·M): snapshot cost C ${cost}, M ${mtbi} min between interruptions)`;
}

/**
 * The snapshot timer: the interval in force and why, and the two ways to set it: a fixed number
 * of seconds, or blank for automatic with the expected time between interruptions.
 */
export function createSnapshotInterval(
  root: HTMLElement,
  initial: SnapshotPolicy,
  onChange: (policy: SnapshotPolicy) => void,
): SnapshotIntervalController {
  const line = element('p', { 'data-testid': 'snapshot-interval', class: 'hint' });
  const fixed = element('input', {
    type: 'number',
    id: 'snapshot-fixed',
    min: '1',
    max: '3600',
    placeholder: 'auto',
    value: initial.kind === 'fixed' ? String(initial.seconds) : '',
  });
  const mtbi = element('input', {
    type: 'number',
    id: 'snapshot-mtbi',
    min: '1',
    value: String(Math.round((initial.kind === 'auto' ? initial.mtbiSeconds : 3600) / 60)),
  });
  const changed = () =>
    onChange(
      fixed.value.trim() === ''
        ? { kind: 'auto', mtbiSeconds: Number(mtbi.value) * 60 }
        : { kind: 'fixed', seconds: Number(fixed.value) },
    );
  fixed.addEventListener('change', changed);
  mtbi.addEventListener('change', changed);
  root.replaceChildren(
    element(
      'div',
      { class: 'interval-fields' },
      element('label', { for: fixed.id }, 'Snapshot interval (s, blank = auto)'),
      fixed,
      element('label', { for: mtbi.id }, 'Expected minutes between interruptions'),
      mtbi,
    ),
    line,
  );
  return {
    show(info) {
      line.textContent = describeInterval(info);
    },
  };
}
