import { element } from './element';

export interface ErrorAreaController {
  show(err: { readonly name: string; readonly message: string }): void;
  clear(): void;
}

/**
 * The alert element holds only "<name>: <message>", empty when there is no error; the dismiss
 * button sits beside it, not inside, so its label never leaks into the alert's text.
 */
export function createErrorArea(root: HTMLElement): ErrorAreaController {
  const text = element('p', { role: 'alert', 'data-testid': 'error', class: 'error-text' });
  const dismiss = element('button', { type: 'button', 'aria-label': 'Dismiss error' }, 'Dismiss');
  const wrapper = element('div', { class: 'error-area' }, text, dismiss);

  function clear(): void {
    text.textContent = '';
    dismiss.hidden = true;
    wrapper.classList.remove('has-error');
  }

  dismiss.addEventListener('click', clear);
  root.replaceChildren(wrapper);
  clear();
  return {
    show(err) {
      text.textContent = `${err.name}: ${err.message}`;
      dismiss.hidden = false;
      wrapper.classList.add('has-error');
    },
    clear,
  };
}
