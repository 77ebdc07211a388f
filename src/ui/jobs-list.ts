import type { JobSummary } from '../shared/jobs/job-types';
import { element, labelledButton as button } from './element';

export interface JobRate {
  readonly itemsPerSec: number | null;
  readonly secondsLeft: number | null;
  /** Whether this tab runs the job (holds its lock). */
  readonly here: boolean;
}

export interface JobListHandlers {
  onPause(jobId: string): void;
  onResume(jobId: string): void;
  onCancel(jobId: string): void;
  onDelete(jobId: string): void;
  onDownload(jobId: string, format: 'jsonl' | 'csv'): void;
}

export interface JobsListController {
  render(jobs: readonly JobSummary[], rate: (jobId: string) => JobRate): void;
}

/**
 * The newest job in full (the test contract's `job-status`, `job-done`, `job-total` and its
 * buttons), then the earlier ones, each with its own short-named buttons.
 */
export function createJobsList(root: HTMLElement, handlers: JobListHandlers): JobsListController {
  const current = element('div', { class: 'job-current', 'data-testid': 'job-current' });
  const earlier = element('ul', { class: 'jobs-earlier', 'aria-label': 'Earlier jobs' });
  root.replaceChildren(current, earlier);

  function newest(job: JobSummary, rate: JobRate): HTMLElement[] {
    const running = job.state === 'running';
    const actions = element('div', { class: 'row-actions' });
    if (running) actions.append(button('Pause', 'Pause job', () => handlers.onPause(job.id)));
    if (job.state === 'paused' && job.warning === null) {
      actions.append(button('Resume', 'Resume job', () => handlers.onResume(job.id)));
    }
    if (running || job.state === 'paused') {
      actions.append(button('Cancel', 'Cancel job', () => handlers.onCancel(job.id)));
    }
    actions.append(
      button('Delete', 'Delete job', () => {
        if (confirm('Delete this job and its results?')) handlers.onDelete(job.id);
      }),
      button('Download results', 'Download results', () => handlers.onDownload(job.id, 'jsonl')),
      button('CSV', 'Download results as CSV', () => handlers.onDownload(job.id, 'csv')),
    );
    const nodes: HTMLElement[] = [
      element('p', {}, describe(job)),
      element(
        'p',
        {},
        element(
          'span',
          { 'data-testid': 'job-status', class: `job-state ${job.state}` },
          job.state,
        ),
        ' · ',
        element('span', { 'data-testid': 'job-done' }, String(job.done)),
        ' / ',
        element('span', { 'data-testid': 'job-total' }, String(job.total)),
        ' items',
        running ? ` · ${rateText(rate)} · ` : '',
        running
          ? element(
              'span',
              { 'data-testid': 'job-where', 'data-where': rate.here ? 'here' : 'elsewhere' },
              rate.here ? 'running in this tab' : 'running in another tab',
            )
          : '',
      ),
      element('progress', { max: job.total, value: job.done, 'aria-label': 'Job progress' }),
    ];
    if (job.meanNll !== null) {
      const unit = job.tokens === 'byte' ? 'byte' : job.tokens === 'bpe' ? 'token' : 'character';
      const perplexity = Math.exp(job.meanNll).toFixed(3);
      const bits = job.bitsPerByte === null ? '' : `; ${job.bitsPerByte.toFixed(4)} bits per byte`;
      nodes.push(
        element(
          'p',
          { 'data-testid': 'job-mean-nll' },
          `Mean NLL ${job.meanNll.toFixed(4)} nats per ${unit} (perplexity ${perplexity})${bits}`,
        ),
      );
    }
    if (job.warning !== null) {
      nodes.push(
        element(
          'p',
          { class: 'warning', 'data-testid': 'job-warning', role: 'status' },
          job.warning.message,
        ),
      );
    }
    if (job.error !== null) {
      nodes.push(
        element(
          'p',
          { class: 'error-text', 'data-testid': 'job-error' },
          `${job.error.name}: ${job.error.message}`,
        ),
      );
    }
    nodes.push(actions);
    return nodes;
  }

  function older(job: JobSummary, n: number): HTMLLIElement {
    return element(
      'li',
      {},
      `#${n} ${describe(job)}: ${job.state}, ${job.done} / ${job.total} `,
      button('JSONL', `JSONL of job #${n}`, () => handlers.onDownload(job.id, 'jsonl')),
      button('CSV', `CSV of job #${n}`, () => handlers.onDownload(job.id, 'csv')),
      button('Delete', `Delete #${n}`, () => {
        if (confirm(`Delete job #${n} and its results?`)) handlers.onDelete(job.id);
      }),
    );
  }

  return {
    render(jobs, rate) {
      const [first, ...rest] = jobs;
      if (first === undefined)
        current.replaceChildren(element('p', { class: 'hint' }, 'No jobs yet.'));
      else current.replaceChildren(...newest(first, rate(first.id)));
      earlier.replaceChildren(...rest.map((job, i) => older(job, jobs.length - 1 - i)));
    },
  };
}

function describe(job: JobSummary): string {
  const what = job.kind === 'generate' ? 'Generate' : 'Score';
  return `${what}: ${job.inputName}, snapshot at step ${job.snapshotStep}`;
}

function rateText(rate: JobRate): string {
  if (rate.itemsPerSec === null) return 'measuring…';
  const left = rate.secondsLeft === null ? '' : `, ${Math.ceil(rate.secondsLeft)} s left`;
  return `${rate.itemsPerSec.toFixed(1)} items/s${left}`;
}
