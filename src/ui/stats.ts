import type { PageState } from '../shared/page-state';
import type { BackendName } from '../shared/config';
import { element } from './element';

export interface ProgressStats {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly stepsPerSec: number;
  readonly tokensPerSec: number;
  /** Tokens the run has trained on up to this step. */
  readonly tokensSeen: number;
}

export interface StatsController {
  progress(e: ProgressStats): void;
  setStatus(status: PageState): void;
  setBackend(backend: BackendName, fallbackReason: string | null): void;
  setLastSnapshotStep(step: number | null): void;
  /** The step alone, e.g. where a pause stopped. */
  setStep(step: number): void;
  /** The validation loss in nats per token, and in bits per byte of the validation text. */
  setValLoss(loss: number, bitsPerByte: number): void;
  /** The divergence guard's rewinds in the shown run. */
  setRewinds(count: number): void;
  /** Back to the initial values (step 0, empty numbers) for a new run; keeps status and backend. */
  reset(): void;
}

type StatId =
  | 'step'
  | 'epoch'
  | 'loss'
  | 'val-loss'
  | 'bits-per-byte'
  | 'steps-per-sec'
  | 'tokens-per-sec'
  | 'tokens-seen'
  | 'rewinds';

const STAT_LABELS: Record<StatId | 'last-snapshot-step', string> = {
  step: 'Step',
  epoch: 'Epoch',
  loss: 'Loss',
  'val-loss': 'Validation loss',
  'bits-per-byte': 'Validation bits per byte',
  'steps-per-sec': 'Steps/s',
  'tokens-per-sec': 'Tokens/s',
  'tokens-seen': 'Tokens seen',
  rewinds: 'Rewinds',
  'last-snapshot-step': 'Last snapshot at step',
};

/**
 * The numbers of the run. Status and backend badge go into `header` (the page header) when
 * given, else into `root`. Every value element holds only its value, so tests can read it
 * with toHaveText; placeholders for empty values come from CSS.
 */
export function createStats(root: HTMLElement, header: HTMLElement = root): StatsController {
  const values = {} as Record<StatId | 'last-snapshot-step', HTMLElement>;
  const list = element('dl', { class: 'stats' });
  for (const [id, label] of Object.entries(STAT_LABELS) as [StatId, string][]) {
    const value = element('dd', { 'data-testid': id, class: 'stat-value' });
    values[id] = value;
    list.append(element('div', { class: 'stat' }, element('dt', {}, label), value));
  }
  const status = element('span', { 'data-testid': 'status', class: 'status-badge' });
  const backend = element('span', { 'data-testid': 'backend', class: 'backend-badge' });
  const reason = element('span', { 'data-testid': 'backend-reason', class: 'backend-reason' });
  const badges = element(
    'div',
    { class: 'badges' },
    element('span', { class: 'badge-group' }, 'Status ', status),
    element('span', { class: 'badge-group' }, 'Backend ', backend, reason),
  );
  if (header === root) root.replaceChildren(badges, list);
  else {
    header.replaceChildren(badges);
    root.replaceChildren(list);
  }

  function reset(): void {
    for (const value of Object.values(values)) value.textContent = '';
    values.step.textContent = '0';
    values.rewinds.textContent = '0';
  }

  function setStatus(next: PageState): void {
    status.textContent = next;
    status.dataset['status'] = next;
  }

  reset();
  setStatus('booting');
  return {
    progress(e) {
      values.step.textContent = String(Math.trunc(e.step));
      values.epoch.textContent = String(e.epoch);
      values.loss.textContent = formatLoss(e.loss);
      values['steps-per-sec'].textContent = e.stepsPerSec.toFixed(1);
      values['tokens-per-sec'].textContent = String(Math.round(e.tokensPerSec));
      values['tokens-seen'].textContent = String(Math.trunc(e.tokensSeen));
    },
    setStatus,
    setBackend(name, fallbackReason) {
      backend.textContent = name;
      backend.dataset['backend'] = name;
      reason.textContent = fallbackReason ?? '';
      reason.title = fallbackReason ?? '';
    },
    setLastSnapshotStep(step) {
      values['last-snapshot-step'].textContent = step === null ? '' : String(Math.trunc(step));
    },
    setStep(step) {
      values.step.textContent = String(Math.trunc(step));
    },
    setValLoss(loss, bitsPerByte) {
      values['val-loss'].textContent = formatLoss(loss);
      values['bits-per-byte'].textContent = formatLoss(bitsPerByte);
    },
    setRewinds(count) {
      values.rewinds.textContent = String(count);
    },
    reset,
  };
}

// A diverged run reports NaN or Infinity; show it as such rather than a misleading number.
function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? loss.toFixed(4) : String(loss);
}
