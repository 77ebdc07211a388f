import { DEFAULT_SAMPLE, type SampleEvent, type SampleRequest } from '../shared/sampling';
import { element } from './element';

/** One sample as the panel shows it; inert once another begins or the panel is cleared. */
export interface SampleView {
  /** The worker accepted it: the step whose weights it draws from. */
  started(step: number): void;
  show(event: SampleEvent): void;
  /** Refused before it started (the error area says why). */
  refused(): void;
}

export interface PromptPanelController {
  setEnabled(enabled: boolean): void;
  /** A new sample: its prompt shown at once, the text to follow as it streams. */
  begin(prompt: string): SampleView;
  /** Another run is shown: its samples are not this one's. */
  clear(): void;
}

const FIELDS = [
  ['temperature', 'Temperature', 'any'],
  ['topK', 'Top-k (0: off)', '1'],
  ['topP', 'Top-p (1: off)', 'any'],
  ['length', 'Length (tokens)', '1'],
  ['seed', 'Sample seed', '1'],
] as const;

type Field = (typeof FIELDS)[number][0];

const END_TEXT: Record<Exclude<SampleEvent, { type: 'text' }>['reason'], string> = {
  length: 'reached its length',
  document: 'ended its line',
  stopped: 'stopped by a newer sample',
  error: 'failed',
};

/**
 * Sampling with a prompt: a text box labelled `Prompt`, temperature, top-k, top-p, length and
 * a seed (the same seed, prompt and step give the same text), a `Sample` button, and
 * `data-testid="sample-output"`, where the prompt and then the generated text appear as it
 * streams in. The worker checks every value and names a bad one.
 */
export function createPromptPanel(
  root: HTMLElement,
  onSample: (request: SampleRequest) => void,
): PromptPanelController {
  const prompt = element('textarea', { id: 'sample-prompt', rows: 2, spellcheck: false });
  const inputs = {} as Record<Field, HTMLInputElement>;
  const fields = FIELDS.map(([key, label, step]) => {
    const input = element('input', { type: 'number', id: `sample-${key}`, step });
    input.value = String(DEFAULT_SAMPLE[key]);
    inputs[key] = input;
    return element('div', { class: 'field' }, element('label', { for: input.id }, label), input);
  });
  const button = element('button', { type: 'button', class: 'primary' }, 'Sample');
  const status = element('p', { class: 'hint', 'data-testid': 'sample-status' });
  const shownPrompt = element('span', { class: 'sample-prompt' });
  const text = element('span', { class: 'sample-text' });
  const output = element(
    'pre',
    { class: 'sample-output', 'data-testid': 'sample-output', 'aria-live': 'polite' },
    shownPrompt,
    text,
  );
  const fieldset = element(
    'fieldset',
    { class: 'prompt-fields' },
    element(
      'div',
      { class: 'field prompt-field' },
      element('label', { for: prompt.id }, 'Prompt'),
      prompt,
    ),
    element('div', { class: 'job-form' }, ...fields),
    element('div', { class: 'controls' }, button),
  );
  root.replaceChildren(fieldset, status, output);
  let current = 0;

  button.addEventListener('click', () => {
    const n = (key: Field) => Number(inputs[key].value);
    onSample({
      prompt: prompt.value,
      temperature: n('temperature'),
      topK: n('topK'),
      topP: n('topP'),
      length: n('length'),
      seed: n('seed'),
    });
  });

  function clear(): void {
    current++;
    shownPrompt.textContent = '';
    text.textContent = '';
    status.textContent = '';
  }

  return {
    setEnabled(enabled) {
      fieldset.disabled = !enabled;
    },
    begin(promptText) {
      clear();
      const id = current;
      // Which sample the output holds: a test (or a person) can tell a new one from the last.
      output.dataset['sample'] = String(id);
      const live = () => id === current;
      let step: number | null = null;
      let ended = false;
      shownPrompt.textContent = promptText;
      status.textContent = 'Sampling…';
      return {
        started(at) {
          step = at;
          if (live() && !ended) status.textContent = `Sampling from the weights at step ${at}…`;
        },
        show(event) {
          if (!live()) return;
          if (event.type === 'text') {
            text.append(event.text);
            return;
          }
          ended = true;
          const at = step === null ? '' : ` (weights at step ${step})`;
          const why = event.error === undefined ? '' : `: ${event.error.message}`;
          status.textContent = `${event.tokens} tokens${at}: ${END_TEXT[event.reason]}${why}`;
        },
        refused() {
          if (live()) status.textContent = '';
        },
      };
    },
    clear,
  };
}
