import { newestFirst } from '../shared/newest-first';
import type { RunRecord } from '../shared/snapshot';
import { element, labelledButton as button } from './element';
import { formatTime } from './format';

export interface RunsPanelHandlers {
  onOpen(runId: string): void;
  /** Called only after the user confirmed the deletion. */
  onDelete(runId: string): void;
}

export interface RunsPanelController {
  /** Replaces the list; runs show newest first, whatever order they come in. */
  render(runs: readonly RunRecord[], currentRunId: string | null): void;
  /** Disables every button: the page's state does not allow them now. */
  setEnabled(enabled: boolean): void;
}

/** The stored runs, each with Open (all but the current run) and Delete. */
export function createRunsPanel(
  root: HTMLElement,
  handlers: RunsPanelHandlers,
): RunsPanelController {
  const heading = element('h2', { id: 'runs-heading' }, 'Runs');
  const list = element('ul', {
    'data-testid': 'runs',
    class: 'runs',
    'aria-labelledby': heading.id,
    hidden: true,
  });
  const empty = element('p', { 'data-testid': 'runs-empty', class: 'hint' }, 'No runs yet.');
  root.setAttribute('aria-labelledby', heading.id);
  root.replaceChildren(heading, empty, list);
  let enabled = true;

  function applyEnabled(): void {
    for (const btn of list.querySelectorAll('button')) btn.disabled = !enabled;
  }

  function item(run: RunRecord, current: boolean): HTMLLIElement {
    const actions = element('div', { class: 'row-actions' });
    if (!current) {
      actions.append(button('Open', `Open run ${run.name}`, () => handlers.onOpen(run.id)));
    }
    actions.append(
      button('Delete', `Delete run ${run.name}`, () => {
        if (confirm(`Delete run "${run.name}" and all its snapshots?`)) handlers.onDelete(run.id);
      }),
    );
    const title = element(
      'div',
      { class: 'run-title' },
      element('strong', { 'data-testid': 'run-name', class: 'run-name' }, run.name),
    );
    if (current) title.append(element('span', { class: 'badge badge-current' }, 'current'));
    const meta = element(
      'div',
      { class: 'run-meta' },
      element('span', { 'data-testid': 'run-model' }, run.config.model),
      element('span', { 'data-testid': 'run-dataset' }, run.dataset.name),
      element('span', { 'data-testid': 'run-created' }, formatTime(run.createdAt)),
    );
    return element(
      'li',
      {
        'data-testid': 'run-item',
        'data-run-id': run.id,
        class: current ? 'run-item current' : 'run-item',
        'aria-current': current ? 'true' : undefined,
      },
      element('div', { class: 'run-info' }, title, meta),
      actions,
    );
  }

  return {
    render(runs, currentRunId) {
      const sorted = [...runs].sort(newestFirst);
      list.replaceChildren(...sorted.map((run) => item(run, run.id === currentRunId)));
      list.hidden = sorted.length === 0;
      empty.hidden = sorted.length > 0;
      applyEnabled();
    },
    setEnabled(next) {
      enabled = next;
      applyEnabled();
    },
  };
}
