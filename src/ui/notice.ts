import { element } from './element';

export interface NoticeController {
  /** Replaces the info line, e.g. "Resuming run X from step N". */
  info(text: string): void;
  /** Replaces the warning line; it stays until the next warn or clear. */
  warn(text: string): void;
  clear(): void;
}

export function createNotice(root: HTMLElement): NoticeController {
  const info = element('p', { 'data-testid': 'notice', class: 'notice-info' });
  const warning = element('p', { 'data-testid': 'warning', class: 'notice-warning' });
  root.replaceChildren(element('div', { role: 'status', class: 'notice' }, info, warning));
  return {
    info(text) {
      info.textContent = text;
    },
    warn(text) {
      warning.textContent = text;
    },
    clear() {
      info.textContent = '';
      warning.textContent = '';
    },
  };
}
