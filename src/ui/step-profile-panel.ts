import { element } from './element';

export interface StepProfileController {
  setEnabled(enabled: boolean): void;
  /** The table the worker made of the profiled step. */
  show(table: string): void;
}

/**
 * With `?debug=1`: where a step's milliseconds go. `Profile a step` profiles the training
 * loop's next step op by op (a step of the run like any other) and the table shows kernel
 * calls, time in and outside kernels, the forward / backward / optimizer phases, each op's
 * total and the heaviest ops with their input shapes: how a user or a contributor finds the
 * next slow op on their own machine and backend.
 */
export function createStepProfile(root: HTMLElement, onProfile: () => void): StepProfileController {
  const button = element('button', { type: 'button' }, 'Profile a step');
  button.addEventListener('click', () => onProfile());
  const table = element('pre', { 'data-testid': 'step-profile', class: 'step-profile' });
  root.replaceChildren(element('h2', {}, 'Step profile'), button, table);
  root.hidden = false;
  return {
    setEnabled(enabled) {
      button.disabled = !enabled;
    },
    show(text) {
      table.textContent = text;
    },
  };
}
