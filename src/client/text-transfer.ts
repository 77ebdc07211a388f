import { transfer } from 'comlink';
import type { UserDataset } from '../shared/api';
import { DatasetError } from '../shared/errors';
import type { ChosenText } from '../ui/dataset-picker';

/**
 * The chosen file's bytes, read now and handed to the worker by transfer: the buffer moves to
 * the worker (the page's copy is detached), so a text is never held twice. Read again for each
 * call that sends it: a transferred buffer cannot be sent a second time.
 */
export async function sendableText(chosen: ChosenText | null): Promise<UserDataset | null> {
  if (chosen === null) return null;
  let bytes: ArrayBuffer;
  try {
    bytes = await chosen.file.arrayBuffer();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatasetError(`Could not read "${chosen.name}" (${reason}); choose the file again.`);
  }
  return transfer({ name: chosen.name, bytes }, [bytes]);
}
