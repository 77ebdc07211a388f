import { element } from './element';

// The config form's building blocks: a labelled field with its hint, a select, a heading.

export function select(id: string, options: readonly [string, string][]): HTMLSelectElement {
  const choices = options.map(([value, text]) => element('option', { value }, text));
  return element('select', { id, name: id.replace('config-', '') }, ...choices);
}

/** Greys out a field that does not apply to the config as it stands (it stays editable). */
export function inactive(control: HTMLElement, off: boolean): void {
  control.closest('.field')?.classList.toggle('inactive', off);
}

export function heading(text: string): HTMLElement {
  return element('h3', { class: 'config-heading' }, text);
}

export function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  const wrapper = element('div', { class: 'field' }, element('label', { for: id }, label), control);
  if (hint !== undefined) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    wrapper.append(element('small', { id: hintId, class: 'hint' }, hint));
  }
  return wrapper;
}
