import type { CorpusProgress } from '../shared/corpus-progress';
import { element } from './element';
import { formatBytes } from './format';

/** The dataset box's words for what a run on token shards (corpus=shards) is waiting on. */
export type CorpusStatus =
  'tokenizing' | 'paused (disk full)' | 'ready' | 'waiting for file' | 'stopped';

export interface CorpusStatusController {
  /** A progress event of the worker's corpus store. */
  progress(progress: CorpusProgress): void;
  /** A stored run's shards are gone: the same file is asked for. */
  waiting(fileName: string, bytes: number): void;
  /** The tokenization stopped (Cancel, an error): the error area says why. */
  stopped(): void;
  /** The Cancel button stops the tokenization in flight; null hides it. */
  setCancel(cancel: (() => void) | null): void;
  /** The Retry button (shown while a full disk pauses it) tries the write again now. */
  setRetry(retry: (() => void) | null): void;
}

const PHASE_TEXT: Record<CorpusProgress['phase'], string> = {
  hashing: 'hashing the file',
  learning: 'learning the BPE',
  tokenizing: 'writing token shards',
  ready: 'shards committed',
};

/**
 * The token-shard part of the dataset box: status, percent of the current phase, the training
 * split's tokens, MB/s and time left while tokenizing, and Cancel; while a full disk pauses it,
 * the refusal's own words (as the notice area shows a snapshot's) and Retry. Hidden until a run
 * on shards reports (runs on text in memory never do).
 */
export function createCorpusStatus(root: HTMLElement): CorpusStatusController {
  const status = element('strong', { 'data-testid': 'dataset-status' });
  const phase = element('span', { 'data-testid': 'dataset-phase' });
  const percent = element('span', { 'data-testid': 'dataset-progress' }, '0');
  const bar = element('progress', { max: 100, value: 0 });
  const tokens = element('span', { 'data-testid': 'dataset-tokens' }, '—');
  const rate = element('span', { 'data-testid': 'dataset-rate' }, '—');
  const left = element('span', { 'data-testid': 'dataset-time-left' }, '—');
  const resumed = element('span', { 'data-testid': 'dataset-resumed' }, '0');
  const cancel = element('button', { type: 'button', 'data-testid': 'dataset-cancel' }, 'Cancel');
  const retry = element('button', { type: 'button', 'data-testid': 'dataset-retry' }, 'Retry');
  const warning = element('p', { 'data-testid': 'dataset-warning', class: 'notice-warning' });
  const retryIn = element('span', { 'data-testid': 'dataset-retry-in' }, '—');
  const pausedLine = element('p', {}, retry, ' (next try by itself in ', retryIn, ' s)');
  const box = element(
    'div',
    { class: 'corpus-status', 'data-testid': 'dataset-box', hidden: true },
    element('p', {}, 'Token shards: ', status, ' (', phase, ') ', percent, '%'),
    bar,
    element('p', {}, 'Training tokens: ', tokens),
    element('p', {}, rate, ' MB/s, ', left, ' left; began at ', resumed, '%'),
    warning,
    pausedLine,
    cancel,
  );
  root.append(box);
  let onCancel: (() => void) | null = null;
  let onRetry: (() => void) | null = null;
  cancel.hidden = true;
  cancel.addEventListener('click', () => onCancel?.());
  pausedLine.hidden = true;
  retry.addEventListener('click', () => onRetry?.());
  // The rate is measured from the phase's first event, so a resumed tokenization's skipped
  // bytes do not count as read.
  let since: { phase: string; at: number; bytes: number } | null = null;

  const show = (words: CorpusStatus, pct: number) => {
    box.hidden = false;
    status.textContent = words;
    percent.textContent = String(pct);
    bar.value = pct;
    // Only a pause shows a warning and Retry; any other state means it has passed.
    const paused = words === 'paused (disk full)';
    if (!paused) warning.textContent = '';
    pausedLine.hidden = !paused;
    retry.hidden = onRetry === null;
  };

  return {
    progress(p) {
      const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
      if (p.paused !== undefined) {
        show('paused (disk full)', pct);
        warning.textContent = p.paused.error.message;
        retryIn.textContent = String(Math.ceil(p.paused.retryInMs / 1000));
        rate.textContent = '—';
        left.textContent = '—';
        // The next try reads again from its last committed shard: its rate starts afresh.
        since = null;
        return;
      }
      show(p.phase === 'ready' ? 'ready' : 'tokenizing', p.phase === 'ready' ? 100 : pct);
      phase.textContent = PHASE_TEXT[p.phase];
      tokens.textContent = p.tokens.toLocaleString('en-US');
      if (p.phase === 'tokenizing')
        resumed.textContent = String(
          p.bytesTotal > 0 ? Math.floor((100 * p.startedAt) / p.bytesTotal) : 0,
        );
      const now = performance.now();
      if (since === null || since.phase !== p.phase)
        since = { phase: p.phase, at: now, bytes: p.bytesDone };
      const seconds = (now - since.at) / 1000;
      const perSecond = seconds > 0 ? (p.bytesDone - since.bytes) / seconds : 0;
      rate.textContent = perSecond > 0 ? (perSecond / 1e6).toFixed(1) : '—';
      left.textContent =
        p.phase === 'ready'
          ? '0 s'
          : perSecond > 0
            ? `${Math.ceil((p.bytesTotal - p.bytesDone) / perSecond)} s`
            : '—';
    },
    waiting(fileName, bytes) {
      show('waiting for file', 0);
      phase.textContent = `choose "${fileName}" (${formatBytes(bytes)}) again`;
      since = null;
    },
    stopped() {
      status.textContent = 'stopped';
      warning.textContent = '';
      pausedLine.hidden = true;
      rate.textContent = '—';
      left.textContent = '—';
      since = null;
    },
    setCancel(handler) {
      onCancel = handler;
      cancel.hidden = handler === null;
    },
    setRetry(handler) {
      onRetry = handler;
      retry.hidden = handler === null;
    },
  };
}
