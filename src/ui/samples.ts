import { element } from './element';

export interface SamplesController {
  show(step: number, samples: readonly string[]): void;
  clear(): void;
}

export function createSamples(root: HTMLElement): SamplesController {
  const caption = element('p', { class: 'samples-caption', 'data-testid': 'samples-step' });
  const list = element('ol', { class: 'samples', 'data-testid': 'samples' });

  function clear(): void {
    caption.textContent = 'No samples yet: they appear a few steps into training.';
    list.replaceChildren();
  }

  root.replaceChildren(caption, list);
  clear();
  return {
    show(step, samples) {
      caption.textContent = `Generated at step ${step}`;
      list.replaceChildren(...samples.map((text) => element('li', {}, text)));
    },
    clear,
  };
}
