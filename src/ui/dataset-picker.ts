import {
  CorpusTooLargeError,
  MAX_CORPUS_BYTES,
  TextEmptyError,
  TextTooLargeError,
  formatBytes,
} from '../shared/errors';
import { MAX_PROSE_BYTES, MAX_LINES_BYTES } from '../shared/text-mode';
import { element } from './element';

/**
 * A training file the user chose, unread: the page reads its bytes each time it sends them to
 * the worker (which takes them as they are: transferred, not copied), so the page never holds a
 * copy of a text of up to 256 MB.
 */
export interface ChosenText {
  readonly name: string;
  readonly file: Blob;
}

export interface DatasetPickerController {
  setCurrent(name: string): void;
  setEnabled(enabled: boolean): void;
}

export const BUNDLED_DATASET_NAME = 'names (bundled)';

/**
 * A file input and a drop zone for a plain-text training file. The picker only reads and
 * checks the file; the caller decides whether to start a run on it and then calls setCurrent.
 */
export function createDatasetPicker(
  root: HTMLElement,
  onDataset: (dataset: ChosenText) => void,
  onError: (err: { readonly name: string; readonly message: string }) => void,
  /** Whether the form asks for token shards (corpus=shards), which take files up to 4 GiB. */
  shards: () => boolean = () => false,
): DatasetPickerController {
  const current = element('strong', { 'data-testid': 'dataset-name' }, BUNDLED_DATASET_NAME);
  const input = element('input', {
    type: 'file',
    id: 'dataset-file',
    accept: '.txt,text/plain',
  });
  const zone = element(
    'div',
    { class: 'drop-zone', 'data-testid': 'drop-zone' },
    element('p', { class: 'dataset-current' }, 'Dataset: ', current),
    element('label', { for: input.id }, 'Training text file'),
    input,
    element(
      'p',
      { class: 'hint' },
      `or drop a file here: up to ${formatBytes(MAX_LINES_BYTES)} as one example per line, ` +
        `${formatBytes(MAX_PROSE_BYTES)} as prose`,
    ),
  );
  root.replaceChildren(zone);
  let enabled = true;
  // dragenter/dragleave fire for every child crossed; a counter tells when the pointer left.
  let dragDepth = 0;

  function accept(file: File): void {
    try {
      onDataset(chosenText(file, shards()));
    } catch (err) {
      onError(err as Error);
    }
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // Clearing the value lets the same file be picked again after a rejection.
    input.value = '';
    if (file !== undefined) accept(file);
  });
  zone.addEventListener('dragenter', (event) => {
    if (!enabled || !hasFiles(event)) return;
    dragDepth++;
    zone.classList.add('dragover');
  });
  zone.addEventListener('dragover', (event) => {
    if (!enabled || !hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) zone.classList.remove('dragover');
  });
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    zone.classList.remove('dragover');
    const file = event.dataTransfer?.files[0];
    if (enabled && file !== undefined) accept(file);
  });
  // A file dropped anywhere else would make the browser open it in place of the page, ending
  // the training session; refuse such drops.
  for (const type of ['dragover', 'drop'] as const) {
    window.addEventListener(type, (event) => {
      if (hasFiles(event) && !zone.contains(event.target as Node | null)) {
        event.preventDefault();
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
      }
    });
  }

  return {
    setCurrent(name) {
      current.textContent = name;
    },
    setEnabled(next) {
      enabled = next;
      input.disabled = !next;
      zone.classList.toggle('disabled', !next);
    },
  };
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * A file as training text, refused by name only where no mode could take it: over the prose
 * limit or empty. Its content is the worker's to judge with the run's settings (a 12 MB file is
 * too large for one example per line, fine as prose; any bytes train as bytes).
 */
export function chosenText(file: File, shards = false): ChosenText {
  // Token shards stream the file and never hold it: only the corpus limit applies.
  if (shards && file.size > MAX_CORPUS_BYTES) throw new CorpusTooLargeError(file.name, file.size);
  if (!shards && file.size > MAX_PROSE_BYTES) {
    throw new TextTooLargeError({
      name: file.name,
      bytes: file.size,
      limit: MAX_PROSE_BYTES,
      mode: 'prose',
    });
  }
  if (file.size === 0) throw new TextEmptyError(file.name, 'prose');
  return { name: file.name, file };
}
