import { DEFAULT_GENERATE } from '../shared/jobs/job-limits';
import type { GenerateParams } from '../shared/jobs/job-types';
import { newestFirst } from '../shared/newest-first';
import type { SnapshotSummary } from '../shared/snapshot';
import { element } from './element';
import { formatTime } from './format';

export interface JobFormValues {
  readonly count: number;
  readonly params: GenerateParams;
  /** The snapshot the job uses; null: the shown run's newest. */
  readonly snapshotId: string | null;
  /** Items per batch; null: sized by time. */
  readonly batchSize: number | null;
}

export interface JobFormHandlers {
  onGenerate(values: JobFormValues): void;
  onPrompts(file: File, values: JobFormValues): void;
  onScoreFile(file: File, values: JobFormValues): void;
  onScoreValidation(values: JobFormValues): void;
}

export interface JobFormController {
  /** The shown run's snapshots, offered as the jobs' model (the newest is the default). */
  setSnapshots(snapshots: readonly SnapshotSummary[]): void;
}

const FIELDS = [
  ['count', 'Count', 'jobCount', DEFAULT_GENERATE.count, '1'],
  ['seed', 'Job seed', 'jobSeed', DEFAULT_GENERATE.seed, '1'],
  ['maxLength', 'Maximum length', 'jobMaxLength', DEFAULT_GENERATE.maxLength, '1'],
  ['temperature', 'Temperature', 'jobTemperature', DEFAULT_GENERATE.temperature, 'any'],
  ['topK', 'Top-k (0: off)', 'jobTopK', DEFAULT_GENERATE.topK, '1'],
  ['topP', 'Top-p (1: off)', 'jobTopP', DEFAULT_GENERATE.topP, 'any'],
  ['batchSize', 'Items per batch (0: by time)', 'jobBatch', DEFAULT_GENERATE.batchSize, '1'],
] as const;

type Field = (typeof FIELDS)[number][0];

/**
 * The job form: the model (a snapshot of the shown run, the newest by default), generation
 * settings and the batch size (prefilled from `jobCount`, `jobSeed`, `jobMaxLength`,
 * `jobTemperature`, `jobTopK`, `jobTopP`, `jobBatch` in the URL), Generate, the prompts and scoring file
 * inputs, and Score validation lines. Values are checked by the worker, which names a bad one.
 */
export function createJobForm(
  root: HTMLElement,
  params: URLSearchParams,
  handlers: JobFormHandlers,
): JobFormController {
  const model = element('select', { id: 'job-snapshot' });
  const modelRow = element(
    'div',
    { class: 'field' },
    element('label', { for: model.id }, 'Job model'),
    model,
  );
  const inputs = {} as Record<Field, HTMLInputElement>;
  const rows = FIELDS.map(([key, label, param, fallback, step]) => {
    const input = element('input', {
      type: 'number',
      id: `job-${key}`,
      step,
      value: params.get(param) ?? String(fallback),
    });
    inputs[key] = input;
    return element('div', { class: 'field' }, element('label', { for: input.id }, label), input);
  });
  const read = (): JobFormValues => {
    const n = (key: Field) => Number(inputs[key].value);
    return {
      count: n('count'),
      params: {
        seed: n('seed'),
        maxLength: n('maxLength'),
        temperature: n('temperature'),
        topK: n('topK'),
        topP: n('topP'),
      },
      snapshotId: model.value === '' ? null : model.value,
      batchSize: n('batchSize') === 0 ? null : n('batchSize'),
    };
  };
  const generate = element('button', { type: 'button', class: 'primary' }, 'Generate');
  generate.addEventListener('click', () => handlers.onGenerate(read()));
  const validation = element('button', { type: 'button' }, 'Score validation lines');
  validation.addEventListener('click', () => handlers.onScoreValidation(read()));
  const prompts = fileInput('job-prompts', 'Prompts file', (file) =>
    handlers.onPrompts(file, read()),
  );
  const score = fileInput('job-score', 'Score a text file', (file) =>
    handlers.onScoreFile(file, read()),
  );
  root.replaceChildren(
    element('div', { class: 'job-form' }, modelRow, ...rows),
    element('div', { class: 'controls' }, generate, validation),
    prompts,
    score,
  );
  setSnapshots([]);

  function setSnapshots(snapshots: readonly SnapshotSummary[]): void {
    const chosen = model.value;
    const ordered = [...snapshots].sort(newestFirst);
    model.replaceChildren(
      element('option', { value: '' }, 'Newest snapshot'),
      ...ordered.map((s) =>
        element(
          'option',
          { value: s.id },
          `Snapshot at step ${s.step} (${formatTime(s.createdAt)})`,
        ),
      ),
    );
    // A choice stays while its snapshot is listed; a deleted or pruned one falls back to newest.
    model.value = ordered.some((s) => s.id === chosen) ? chosen : '';
  }
  return { setSnapshots };
}

function fileInput(id: string, label: string, onFile: (file: File) => void): HTMLElement {
  const input = element('input', { type: 'file', id, accept: '.txt,text/plain' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = ''; // the same file can be chosen again
    if (file !== undefined) onFile(file);
  });
  return element('div', { class: 'field' }, element('label', { for: id }, label), input);
}
