import {
  CONFIG_BOUNDS,
  CONFIG_KEYS,
  validateConfig,
  withLegacyTraining,
  type RunConfig,
} from '../shared/config';
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
  warmup: 'Warm-up steps',
  decaySteps: 'Decay ends at step',
  minLr: 'Minimum learning rate',
  clip: 'Clip gradient norm',
  guard: 'Divergence guard (1 on, 0 off)',
  spikeFactor: 'Spike: loss above k × mean',
  spikeWindow: 'Spike: mean of last n losses',
  guardWarmup: 'Guard warm-up steps',
  rewindMargin: 'Rewind at least n steps back',
  rewindLrFactor: 'Learning rate × per rewind',
  rewindWindow: '3 rewinds within n steps stop',
};

/** The schedule's, clipping's and the guard's fields, in their own foldable group. */
const TRAINING_KEYS = new Set<NumericKey>([
  'warmup',
  'decaySteps',
  'minLr',
  'clip',
  'guard',
  'spikeFactor',
  'spikeWindow',
  'guardWarmup',
  'rewindMargin',
  'rewindLrFactor',
  'rewindWindow',
]);

const HINTS: Partial<Record<NumericKey, string>> = {
  heads: 'transformer only; must divide the embedding size',
  steps: '0 trains until paused',
  decaySteps: 'cosine only; 0: the step budget',
  clip: '0 never',
};

export function createConfigForm(root: HTMLElement, initial: RunConfig): ConfigFormController {
  const model = element(
    'select',
    { name: 'model', id: 'config-model' },
    element('option', { value: 'mlp' }, 'MLP'),
    element('option', { value: 'transformer' }, 'Transformer'),
  );
  const schedule = element(
    'select',
    { name: 'schedule', id: 'config-schedule' },
    element('option', { value: 'constant' }, 'Constant'),
    element('option', { value: 'cosine' }, 'Cosine decay'),
  );
  const inputs = {} as Record<NumericKey, HTMLInputElement>;
  const fieldset = element(
    'fieldset',
    { class: 'config-fields' },
    field('config-model', 'Model', model),
  );
  const training = element(
    'div',
    { class: 'config-fields' },
    field('config-schedule', 'Learning-rate schedule', schedule),
  );
  for (const key of CONFIG_KEYS) {
    // The browser's spinners follow validateConfig's bounds; validateConfig stays the judge.
    const { min, max, integer } = CONFIG_BOUNDS[key];
    const input = element('input', {
      type: 'number',
      name: key,
      id: `config-${key}`,
      min,
      max,
      step: integer ? '1' : 'any',
      inputmode: integer ? 'numeric' : 'decimal',
      required: true,
    });
    inputs[key] = input;
    const target = TRAINING_KEYS.has(key) ? training : fieldset;
    target.append(field(input.id, LABELS[key], input, HINTS[key]));
  }
  fieldset.append(
    element(
      'details',
      { class: 'config-training' },
      element('summary', {}, 'Schedule, clipping and divergence guard'),
      training,
    ),
  );
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

  function set(stored: RunConfig): void {
    // A run stored before the schedule and the guard existed shows the values it trains with.
    const config = withLegacyTraining(stored);
    model.value = config.model;
    schedule.value = config.schedule;
    for (const key of CONFIG_KEYS) {
      inputs[key].value = String(config[key]);
      inputs[key].removeAttribute('aria-invalid');
    }
    syncModel();
  }

  function read(): RunConfig {
    const raw: Record<string, unknown> = { model: model.value, schedule: schedule.value };
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
