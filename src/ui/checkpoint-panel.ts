import type { CheckpointSummary, ForkOptions, ForkSource } from '../shared/checkpoint-api';
import { element } from './element';

export interface CheckpointPanelHandlers {
  onExport(): void;
  /** A file was chosen or dropped: inspect it and call showPending (or report the refusal). */
  onFile(file: File): void;
  /** `token` names a file the worker has inspected. */
  onImportNew(token: string): void;
  onReplace(token: string): void;
  onFork(source: ForkSource, options: ForkOptions): void;
  /** Cancels the file operation in progress. */
  onCancel(): void;
}

export interface CheckpointPanelController {
  /** Shows what a validated file (or a stored snapshot) holds and offers what can be done. */
  showPending(source: ForkSource, label: string, summary: CheckpointSummary): void;
  clearPending(): void;
  setEnabled(enabled: boolean): void;
  /** Shows a long file operation in progress with its Cancel button, or hides it (null). */
  setWorking(text: string | null): void;
}

/**
 * Export of the current run, and import of a .safetensors file chosen or dropped here. The file
 * is validated before any choice is offered; nothing is written until the user picks one.
 */
export function createCheckpointPanel(
  root: HTMLElement,
  handlers: CheckpointPanelHandlers,
): CheckpointPanelController {
  let pending: ForkSource | null = null;
  const exportButton = element('button', { type: 'button' }, 'Export checkpoint');
  exportButton.addEventListener('click', () => handlers.onExport());
  const input = element('input', { type: 'file', id: 'checkpoint-file', accept: '.safetensors' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) handlers.onFile(file);
  });
  const summary = element('p', { 'data-testid': 'checkpoint-summary', class: 'hint' });
  const lr = element('input', { type: 'number', id: 'fork-lr', step: 'any', min: '0' });
  const steps = element('input', { type: 'number', id: 'fork-steps', step: '1', min: '0' });
  const reset = element('input', { type: 'checkbox', id: 'fork-reset' });
  const importNew = element('button', { type: 'button' }, 'Import as new run');
  const replace = element('button', { type: 'button' }, 'Replace current run');
  const fork = element('button', { type: 'button' }, 'New run from this checkpoint');
  const withFile = (fn: (token: string) => void) => () =>
    pending !== null && 'token' in pending && fn(pending.token);
  importNew.addEventListener('click', withFile(handlers.onImportNew));
  replace.addEventListener(
    'click',
    withFile((token) => {
      if (
        confirm(
          'Replace the current run with this checkpoint? The current run and its snapshots are deleted.',
        )
      ) {
        handlers.onReplace(token);
      }
    }),
  );
  fork.addEventListener('click', () => {
    if (pending === null) return;
    handlers.onFork(pending, {
      ...(lr.value !== '' ? { lr: Number(lr.value) } : {}),
      ...(steps.value !== '' ? { steps: Number(steps.value) } : {}),
      resetOptimizer: reset.checked,
    });
  });
  const choices = element(
    'div',
    { class: 'checkpoint-choices', hidden: true },
    summary,
    element('div', { class: 'row-actions' }, importNew, replace),
    element(
      'fieldset',
      { class: 'fork' },
      element('legend', {}, 'Fine-tune: a new run from these weights'),
      element('label', { for: lr.id }, 'New learning rate'),
      lr,
      element('label', { for: steps.id }, 'New step budget'),
      steps,
      element('label', { class: 'checkbox' }, reset, ' Reset optimizer state'),
      fork,
    ),
  );
  const zone = element(
    'div',
    { class: 'drop-zone', 'data-testid': 'checkpoint-drop-zone' },
    element('label', { for: input.id }, 'Import checkpoint'),
    input,
    element('p', { class: 'hint' }, 'or drop a .safetensors file here'),
  );
  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    event.stopPropagation();
    const file = event.dataTransfer?.files[0];
    if (file) handlers.onFile(file);
  });
  const workingText = element('span', { 'data-testid': 'checkpoint-working' });
  const cancel = element('button', { type: 'button' }, 'Cancel');
  cancel.addEventListener('click', () => handlers.onCancel());
  const working = element('p', { class: 'hint', hidden: true }, workingText, ' ', cancel);
  root.replaceChildren(element('h2', {}, 'Checkpoint file'), exportButton, zone, working, choices);

  return {
    showPending(source, label, info) {
      pending = source;
      summary.textContent = `${label}: ${info.runName}, ${info.model} at step ${info.step} (format v${info.formatVersion}).`;
      const isFile = 'token' in source;
      importNew.hidden = !isFile;
      replace.hidden = !isFile;
      lr.value = String(info.lr);
      steps.value = String(info.steps);
      choices.hidden = false;
    },
    clearPending() {
      pending = null;
      choices.hidden = true;
      summary.textContent = '';
    },
    setEnabled(enabled) {
      for (const control of [exportButton, input, importNew, replace, fork])
        control.disabled = !enabled;
    },
    setWorking(text) {
      workingText.textContent = text ?? '';
      working.hidden = text === null;
    },
  };
}
