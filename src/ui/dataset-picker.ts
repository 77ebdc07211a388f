import type { UserDataset } from '../shared/api';
import { MAX_DATASET_BYTES } from '../shared/config';
import { DatasetError } from '../shared/errors';
import { element } from './element';

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
  onDataset: (dataset: UserDataset) => void,
  onError: (err: { readonly name: string; readonly message: string }) => void,
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
    element('p', { class: 'hint' }, 'or drop a .txt file here (up to 10 MB)'),
  );
  root.replaceChildren(zone);
  let enabled = true;
  // dragenter/dragleave fire for every child crossed; a counter tells when the pointer left.
  let dragDepth = 0;

  async function accept(file: File): Promise<void> {
    try {
      onDataset(await readDataset(file));
    } catch (err) {
      onError(err instanceof Error ? err : new DatasetError(String(err)));
    }
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // Clearing the value lets the same file be picked again after a rejection.
    input.value = '';
    if (file !== undefined) void accept(file);
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
    if (enabled && file !== undefined) void accept(file);
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

/** Reads a file as training text; throws DatasetError saying what to do instead. */
export async function readDataset(file: File): Promise<UserDataset> {
  if (file.size > MAX_DATASET_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    throw new DatasetError(`"${file.name}" is ${mb} MB; choose a text file of at most 20 MB.`);
  }
  if (file.size === 0) {
    throw new DatasetError(`"${file.name}" is empty; choose a text file with some content.`);
  }
  let text: string;
  try {
    text = await file.text();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatasetError(`Could not read "${file.name}" (${reason}); try choosing it again.`);
  }
  if (text.includes('\u0000')) {
    throw new DatasetError(`"${file.name}" looks binary, not text; choose a plain .txt file.`);
  }
  if (text.trim() === '') {
    throw new DatasetError(`"${file.name}" holds only whitespace; choose a file with some text.`);
  }
  return { name: file.name, text };
}
