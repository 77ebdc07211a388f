import { CONFIG_KEYS, validateConfig, type RunConfig } from '../shared/config';
import { element } from './element';

export interface ConfigFormController {
  /** Reads the fields and validates them; throws ConfigError naming the bad field. */
  read(): RunConfig;
  set(config: RunConfig): void;
  setEnabled(enabled: boolean): void;
}

type NumericKey = (typeof CONFIG_KEYS)[number];

const LABELS: Record<NumericKey, string> = {
  embed: 'Embedding size',
  width: 'Width',
  layers: 'Layers',
  heads: 'Heads',
  context: 'Context',
  batch: 'Batch size',
  lr: 'Learning rate',
  seed: 'Seed',
  steps: 'Step budget',
};

const HINTS: Partial<Record<NumericKey, string>> = {
  heads: 'transformer only; must divide the embedding size',
  steps: '0 trains until paused',
};

// Mirrors the bounds in validateConfig so the browser's spinners stay in range; validateConfig
// stays the single judge of what is accepted.
const INPUT_ATTRS: Record<NumericKey, { min: number; max: number; step: string }> = {
  embed: { min: 2, max: 1024, step: '1' },
  width: { min: 2, max: 4096, step: '1' },
  layers: { min: 1, max: 4, step: '1' },
  heads: { min: 1, max: 16, step: '1' },
  context: { min: 1, max: 64, step: '1' },
  batch: { min: 1, max: 4096, step: '1' },
  lr: { min: 1e-6, max: 1, step: 'any' },
  seed: { min: 0, max: 0xffffffff, step: '1' },
  steps: { min: 0, max: 1e9, step: '1' },
};

export function createConfigForm(root: HTMLElement, initial: RunConfig): ConfigFormController {
  const model = element(
    'select',
    { name: 'model', id: 'config-model' },
    element('option', { value: 'mlp' }, 'MLP'),
    element('option', { value: 'transformer' }, 'Transformer'),
  );
  const inputs = {} as Record<NumericKey, HTMLInputElement>;
  const fieldset = element(
    'fieldset',
    { class: 'config-fields' },
    field('config-model', 'Model', model),
  );
  for (const key of CONFIG_KEYS) {
    const { min, max, step } = INPUT_ATTRS[key];
    const input = element('input', {
      type: 'number',
      name: key,
      id: `config-${key}`,
      min,
      max,
      step,
      inputmode: key === 'lr' ? 'decimal' : 'numeric',
      required: true,
    });
    inputs[key] = input;
    fieldset.append(field(input.id, LABELS[key], input, HINTS[key]));
  }
  // Enter in a field must not submit (and reload) the page mid-run.
  const form = element('form', { class: 'config-form', novalidate: true }, fieldset);
  form.addEventListener('submit', (event) => event.preventDefault());
  model.addEventListener('change', syncModel);
  for (const input of Object.values(inputs)) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  root.replaceChildren(form);

  function syncModel(): void {
    inputs.heads.closest('.field')?.classList.toggle('inactive', model.value !== 'transformer');
  }

  function set(config: RunConfig): void {
    model.value = config.model;
    for (const key of CONFIG_KEYS) {
      inputs[key].value = String(config[key]);
      inputs[key].removeAttribute('aria-invalid');
    }
    syncModel();
  }

  function read(): RunConfig {
    const raw: Record<string, unknown> = { model: model.value };
    for (const key of CONFIG_KEYS) {
      const text = inputs[key].value.trim();
      raw[key] = text === '' ? NaN : Number(text);
    }
    try {
      const config = validateConfig(raw);
      for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
      return config;
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      for (const key of CONFIG_KEYS) {
        if (message.includes(`"${key}"`)) inputs[key].setAttribute('aria-invalid', 'true');
      }
      throw err;
    }
  }

  set(initial);
  return {
    read,
    set,
    setEnabled(enabled) {
      fieldset.disabled = !enabled;
    },
  };
}

function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  const wrapper = element('div', { class: 'field' }, element('label', { for: id }, label), control);
  if (hint !== undefined) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    wrapper.append(element('small', { id: hintId, class: 'hint' }, hint));
  }
  return wrapper;
}
