import type { TrainerStatus } from '../shared/api';
import { element } from './element';

export interface ControlHandlers {
  onStart(): void;
  onPause(): void;
  onNewRun(): void;
  onSnapshotNow(): void;
}

export interface ControlsController {
  setStatus(status: TrainerStatus): void;
  /** While a call to the worker is in flight every button is disabled, so clicks cannot race. */
  setBusy(busy: boolean): void;
}

type ButtonName = 'start' | 'pause' | 'newRun' | 'snapshotNow';

/** Which buttons each status allows; `busy` overrides all of them. */
const ALLOWED: Record<TrainerStatus, readonly ButtonName[]> = {
  idle: ['start', 'newRun'],
  training: ['pause', 'newRun', 'snapshotNow'],
  paused: ['start', 'newRun', 'snapshotNow'],
  resuming: [],
  error: ['newRun'],
};

export function createControls(root: HTMLElement, handlers: ControlHandlers): ControlsController {
  const buttons: Record<ButtonName, HTMLButtonElement> = {
    start: button('Start', 'primary', handlers.onStart),
    pause: button('Pause', '', handlers.onPause),
    newRun: button('New run', '', handlers.onNewRun),
    snapshotNow: button('Snapshot now', '', handlers.onSnapshotNow),
  };
  let status: TrainerStatus = 'idle';
  let busy = false;

  function render(): void {
    const allowed = ALLOWED[status];
    for (const [name, btn] of Object.entries(buttons) as [ButtonName, HTMLButtonElement][]) {
      btn.disabled = busy || !allowed.includes(name);
    }
  }

  root.replaceChildren(element('div', { class: 'controls' }, ...Object.values(buttons)));
  render();
  return {
    setStatus(next) {
      status = next;
      render();
    },
    setBusy(next) {
      busy = next;
      root.setAttribute('aria-busy', String(next));
      render();
    },
  };
}

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const btn = element('button', { type: 'button', class: className || undefined }, label);
  btn.addEventListener('click', () => onClick());
  return btn;
}
