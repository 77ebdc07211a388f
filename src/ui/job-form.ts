import { DEFAULT_GENERATE } from '../shared/jobs/job-limits';
import type { GenerateParams } from '../shared/jobs/job-types';
import { element } from './element';

export interface JobFormValues {
  readonly count: number;
  readonly params: GenerateParams;
}

export interface JobFormHandlers {
  onGenerate(values: JobFormValues): void;
  onPrompts(file: File, values: JobFormValues): void;
  onScoreFile(file: File): void;
  onScoreValidation(): void;
}

const FIELDS = [
  ['count', 'Count', 'jobCount', DEFAULT_GENERATE.count, '1'],
  ['seed', 'Job seed', 'jobSeed', DEFAULT_GENERATE.seed, '1'],
  ['maxLength', 'Maximum length', 'jobMaxLength', DEFAULT_GENERATE.maxLength, '1'],
  ['temperature', 'Temperature', 'jobTemperature', DEFAULT_GENERATE.temperature, 'any'],
  ['topK', 'Top-k (0: off)', 'jobTopK', DEFAULT_GENERATE.topK, '1'],
] as const;

type Field = (typeof FIELDS)[number][0];

/**
 * The job form: generation settings (prefilled from `jobCount`, `jobSeed`, `jobMaxLength`,
 * `jobTemperature`, `jobTopK` in the URL), Generate, the prompts and scoring file inputs, and
 * Score validation lines. Values are checked by the worker, which names a bad one.
 */
export function createJobForm(
  root: HTMLElement,
  params: URLSearchParams,
  handlers: JobFormHandlers,
): void {
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
      },
    };
  };
  const generate = element('button', { type: 'button', class: 'primary' }, 'Generate');
  generate.addEventListener('click', () => handlers.onGenerate(read()));
  const validation = element('button', { type: 'button' }, 'Score validation lines');
  validation.addEventListener('click', () => handlers.onScoreValidation());
  const prompts = fileInput('job-prompts', 'Prompts file', (file) =>
    handlers.onPrompts(file, read()),
  );
  const score = fileInput('job-score', 'Score a text file', (file) => handlers.onScoreFile(file));
  root.replaceChildren(
    element('div', { class: 'job-form' }, ...rows),
    element('div', { class: 'controls' }, generate, validation),
    prompts,
    score,
  );
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
