type AttrValue = string | number | boolean | undefined;

/**
 * Builds an element with attributes and children. Strings become text nodes, so data never
 * passes through an HTML parser.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, AttrValue>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** A button whose accessible name (`label`) says more than its visible text, e.g. which row. */
export function labelledButton(
  text: string,
  label: string,
  onClick: () => void,
): HTMLButtonElement {
  const btn = element('button', { type: 'button', 'aria-label': label }, text);
  btn.addEventListener('click', () => onClick());
  return btn;
}
