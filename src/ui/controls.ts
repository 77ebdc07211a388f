import type { Control } from './control';
import { element } from './element';

export interface ControlHandlers {
  onStart(): void;
  onPause(): void;
  onNewRun(): void;
  onSnapshotNow(): void;
}

export interface ControlsController {
  /** Enables exactly the buttons in `enabled` (the page derives it from its state). */
  setEnabled(enabled: ReadonlySet<Control>): void;
}

type ButtonName = 'start' | 'pause' | 'newRun' | 'snapshotNow';

export function createControls(root: HTMLElement, handlers: ControlHandlers): ControlsController {
  const buttons: Record<ButtonName, HTMLButtonElement> = {
    start: button('Start', 'primary', handlers.onStart),
    pause: button('Pause', '', handlers.onPause),
    newRun: button('New run', '', handlers.onNewRun),
    snapshotNow: button('Snapshot now', '', handlers.onSnapshotNow),
  };
  root.replaceChildren(element('div', { class: 'controls' }, ...Object.values(buttons)));
  return {
    setEnabled(enabled) {
      for (const [name, btn] of Object.entries(buttons) as [ButtonName, HTMLButtonElement][]) {
        btn.disabled = !enabled.has(name);
      }
      root.setAttribute('aria-busy', String(enabled.size === 0));
    },
  };
}

function button(label: string, className: string, onClick: () => void): HTMLButtonElement {
  const btn = element('button', { type: 'button', class: className || undefined }, label);
  btn.addEventListener('click', () => onClick());
  return btn;
}
