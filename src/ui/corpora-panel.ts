import type { CorpusSummary } from '../shared/corpus-summary';
import { element, labelledButton as button } from './element';
import { formatBytes } from './format';

export interface CorporaPanelHandlers {
  /** Called only after the user confirmed the deletion. */
  onDelete(address: string): void;
  /** Export tokens: the corpus's tokens as an llm.c token file (finished corpora only). */
  onExportTokens(address: string): void;
}

export interface CorporaPanelController {
  /** Replaces the list, in the order given (the worker lists the largest first). */
  render(corpora: readonly CorpusSummary[]): void;
  /** Disables every Delete and Export tokens: the page's state does not allow them now. */
  setEnabled(enabled: boolean): void;
}

/**
 * The token shards in the origin private file system: each corpus's size, its runs, Export
 * tokens (finished corpora) and Delete.
 */
export function createCorporaPanel(
  root: HTMLElement,
  handlers: CorporaPanelHandlers,
): CorporaPanelController {
  const heading = element('h2', { id: 'corpora-heading' }, 'Corpora');
  const hint = element(
    'p',
    { class: 'hint' },
    'Token shards of runs on corpus=shards, kept in this browser. A corpus no run reads can be deleted; a later run on the same file tokenizes it again.',
  );
  const list = element('ul', {
    'data-testid': 'corpora-list',
    class: 'runs',
    'aria-labelledby': heading.id,
  });
  const empty = element('p', { 'data-testid': 'corpora-empty', class: 'hint' }, 'No corpora.');
  root.setAttribute('aria-labelledby', heading.id);
  root.replaceChildren(heading, hint, empty, list);
  let enabled = true;
  let shown: string | null = null;

  function applyEnabled(): void {
    for (const btn of list.querySelectorAll('button')) btn.disabled = !enabled;
  }

  function item(corpus: CorpusSummary): HTMLLIElement {
    const name = corpusLabel(corpus);
    const remove = button('Delete', `Delete corpus ${name}`, () => {
      if (confirm(deleteQuestion(corpus))) handlers.onDelete(corpus.address);
    });
    // A partial corpus has no button: its tokens stop at a shard, not at the text's end.
    const exportTokens = corpus.complete
      ? [
          button('Export tokens', `Export tokens of corpus ${name}`, () =>
            handlers.onExportTokens(corpus.address),
          ),
        ]
      : [];
    const runs = corpus.runs.map((r) => r.runName).join(', ');
    const meta = element(
      'div',
      { class: 'run-meta' },
      element('span', { 'data-testid': 'corpus-size' }, formatBytes(corpus.bytesOnDisk)),
      element('span', { 'data-testid': 'corpus-state' }, corpus.complete ? 'complete' : 'partial'),
      element(
        'span',
        { 'data-testid': 'corpus-tokens' },
        `${corpus.tokens.toLocaleString('en-US')} tokens`,
      ),
      element('span', { 'data-testid': 'corpus-tokenizer' }, tokenizerText(corpus)),
      element(
        'span',
        {},
        corpus.textBytes === null ? 'text size unknown' : `text ${formatBytes(corpus.textBytes)}`,
      ),
      element('span', { 'data-testid': 'corpus-runs' }, runs === '' ? 'no runs' : `runs: ${runs}`),
    );
    return element(
      'li',
      { 'data-testid': 'corpus-row', 'data-address': corpus.address, class: 'run-item' },
      element(
        'div',
        { class: 'run-info' },
        element('strong', { 'data-testid': 'corpus-name', class: 'run-name' }, name),
        meta,
      ),
      element('div', { class: 'row-actions' }, ...exportTokens, remove),
    );
  }

  return {
    render(corpora) {
      // The page re-reads the list after every commit; rows rebuilt under the pointer would
      // lose a click whose press and release land on different buttons, so unchanged stays.
      const key = JSON.stringify(corpora);
      if (key === shown) return;
      shown = key;
      list.replaceChildren(...corpora.map(item));
      list.hidden = corpora.length === 0;
      empty.hidden = corpora.length > 0;
      applyEnabled();
    },
    setEnabled(next) {
      enabled = next;
      applyEnabled();
    },
  };
}

/**
 * Asked after the last run reading a corpus was deleted: true to delete the corpus too. No
 * keeps it, and a later run on the same file (and settings) reads it without tokenizing again.
 */
export function askToDeleteUnused(corpus: CorpusSummary): boolean {
  return confirm(
    `No run reads the corpus of "${corpusLabel(corpus)}" (${formatBytes(corpus.bytesOnDisk)}) any more. Delete it too? Cancel keeps it: a later run on the same file reuses it.`,
  );
}

function deleteQuestion(corpus: CorpusSummary): string {
  const size = formatBytes(corpus.bytesOnDisk);
  const question = `Delete the corpus of "${corpusLabel(corpus)}" (${size})?`;
  if (corpus.runs.length === 0) return question;
  const runs = corpus.runs.map((r) => `"${r.runName}"`).join(', ');
  return `${question} ${runs} read it: opening them will ask for the file again.`;
}

function corpusLabel(corpus: CorpusSummary): string {
  return corpus.name ?? `corpus ${corpus.address.slice(0, 12)}…`;
}

function tokenizerText(corpus: CorpusSummary): string {
  const t = corpus.tokenizer;
  if (t === null) return 'tokenizer unknown';
  return t.kind === 'byte' ? 'byte tokens' : `BPE ${t.vocabSize.toLocaleString('en-US')}`;
}
