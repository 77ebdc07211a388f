import {
  NUMERIC_KEYS,
  boundOf,
  validateConfig,
  withLegacyTraining,
  type ModelKind,
  type RunConfig,
} from '../shared/config';
import { PRESETS, PRESET_NAMES, type PresetName } from '../shared/presets';
import { FIELDS, GPT_ONLY, type FieldGroup, type NumericKey } from './config-fields';
import { element } from './element';
import { field, heading, inactive, select } from './form-fields';
import { matchingPreset, parameterText, type KnownText } from './param-count';
import { createTextControls } from './text-controls';

export interface ConfigFormController {
  /** Reads the fields and validates them; throws ConfigError naming the bad field. */
  read(): RunConfig;
  /** Shows a config; `text`, the run's own text, lets the form count a char model's parameters. */
  set(config: RunConfig, text?: KnownText | null): void;
  setEnabled(enabled: boolean): void;
}

const CUSTOM = '';

/**
 * The run config's form: a preset (fills its fields; any field stays editable, and the preset
 * shows "custom" once one differs), the model and its sizes, the text's tokens, mode and
 * separator, AdamW and dropout, and the schedule and guard in a foldable group; below them the
 * parameter count of the config as it stands. The form only reads and shows; validateConfig
 * judges, and a field it names is marked invalid.
 */
export function createConfigForm(root: HTMLElement, initial: RunConfig): ConfigFormController {
  const preset = select('config-preset', [
    [CUSTOM, 'Custom'],
    ...PRESET_NAMES.map((name): [string, string] => [name, name]),
  ]);
  const model = select('config-model', [
    ['mlp', 'MLP'],
    ['transformer', 'Transformer'],
    ['gpt', 'GPT'],
  ]);
  const schedule = select('config-schedule', [
    ['constant', 'Constant'],
    ['cosine', 'Cosine decay'],
  ]);
  const text = createTextControls();
  const params = element('output', { 'data-testid': 'params', for: 'config-model' });
  const inputs = {} as Record<NumericKey, HTMLInputElement>;
  const fieldset = element('fieldset', { class: 'config-fields' });
  const groups: Record<FieldGroup, HTMLElement> = {
    model: fieldset,
    optimizer: element('div', { class: 'config-fields config-group' }),
    training: element('div', { class: 'config-fields' }),
  };
  groups.model.append(
    field('config-preset', 'Preset', preset, 'fills the fields below; each stays editable'),
    field('config-model', 'Model', model),
  );
  for (const key of NUMERIC_KEYS) {
    const { label, group, hint } = FIELDS[key];
    const input = element('input', {
      type: 'number',
      name: key,
      id: `config-${key}`,
      required: true,
    });
    inputs[key] = input;
    groups[group].append(field(input.id, label, input, hint));
  }
  groups.training.prepend(field('config-schedule', 'Learning-rate schedule', schedule));
  groups.model.append(
    ...text.fields,
    heading('AdamW and dropout'),
    groups.optimizer,
    element(
      'details',
      { class: 'config-training' },
      element('summary', {}, 'Schedule, clipping and divergence guard'),
      groups.training,
    ),
    element('p', { class: 'config-params' }, 'Parameters: ', params),
  );
  // Enter in a field must not submit (and reload) the page mid-run.
  const form = element('form', { class: 'config-form', novalidate: true }, groups.model);
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('input', (event) => {
    (event.target as HTMLElement).removeAttribute('aria-invalid');
    if (event.target === preset) fillPreset(preset.value as PresetName | typeof CUSTOM);
    sync();
  });
  // Selects fire `change` (and `input`); both end in sync(), which is idempotent.
  form.addEventListener('change', () => sync());
  root.replaceChildren(form);
  let known: KnownText | null = null;

  function fillPreset(name: PresetName | typeof CUSTOM): void {
    if (name === CUSTOM) return;
    const values = PRESETS[name];
    model.value = values.model;
    for (const [key, value] of Object.entries(values)) {
      if (key in inputs) inputs[key as NumericKey].value = String(value);
    }
    text.fillPreset(values);
  }

  /** What the fields hold, before validation; fields that do not apply read as their off value. */
  function raw(): Record<string, unknown> {
    const kind = model.value as ModelKind;
    const { vocabSize, corpus, ...textKeys } = text.raw();
    const out: Record<string, unknown> = { model: kind, schedule: schedule.value, ...textKeys };
    for (const key of NUMERIC_KEYS) {
      const value = inputs[key].value.trim();
      out[key] = kind !== 'gpt' && GPT_ONLY.has(key) ? 0 : value === '' ? NaN : Number(value);
    }
    // After the numbers: a config's JSON keeps validateConfig's key order.
    if (vocabSize !== undefined) out['vocabSize'] = vocabSize;
    if (corpus !== undefined) out['corpus'] = corpus;
    return out;
  }

  /** The fields that apply, the spinners' bounds, the preset shown and the parameter count. */
  function sync(): void {
    const kind = model.value as ModelKind;
    inactive(inputs.heads, kind === 'mlp');
    for (const key of GPT_ONLY) inactive(inputs[key], kind !== 'gpt');
    text.sync();
    for (const key of NUMERIC_KEYS) {
      // The browser's spinners follow validateConfig's bounds; validateConfig stays the judge.
      const { min, max, integer } = boundOf(kind, key);
      Object.assign(inputs[key], { min: String(min), max: String(max) });
      inputs[key].step = integer ? '1' : 'any';
      inputs[key].inputMode = integer ? 'numeric' : 'decimal';
    }
    const values = raw();
    preset.value = matchingPreset(values) ?? CUSTOM;
    let count: string | null;
    try {
      count = parameterText(validateConfig(values), known);
    } catch {
      count = null; // an invalid config has no count; Start or New run names what is wrong
    }
    params.value = count ?? '';
    params.title = count === null ? 'counted once a run has read this text' : '';
  }

  function set(stored: RunConfig, runText: KnownText | null = known): void {
    // A run stored before the schedule, the guard or gpt existed shows the values it trains with.
    const config = withLegacyTraining(stored);
    known = runText;
    model.value = config.model;
    schedule.value = config.schedule;
    text.set(config);
    for (const key of NUMERIC_KEYS) {
      inputs[key].value = String(config[key]);
      inputs[key].removeAttribute('aria-invalid');
    }
    sync();
  }

  function read(): RunConfig {
    try {
      const config = validateConfig(raw());
      for (const input of [...Object.values(inputs), text.vocab])
        input.removeAttribute('aria-invalid');
      return config;
    } catch (err) {
      const message = err instanceof Error ? err.message : '';
      for (const key of NUMERIC_KEYS) {
        if (message.includes(`"${key}"`)) inputs[key].setAttribute('aria-invalid', 'true');
      }
      if (message.includes('"separator"')) text.literal.setAttribute('aria-invalid', 'true');
      if (message.includes('vocabSize')) text.vocab.setAttribute('aria-invalid', 'true');
      throw err;
    }
  }

  set(initial, null);
  return {
    read,
    set,
    setEnabled(enabled) {
      fieldset.disabled = !enabled;
    },
  };
}
