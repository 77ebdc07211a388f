import { transfer } from 'comlink';
import type { UserDataset } from '../shared/api';
import type { CorpusFile } from '../shared/corpus-progress';
import type { RunConfig } from '../shared/config';
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

/**
 * What a new run's text is sent as: for a run on token shards (corpus=shards) the File itself,
 * which the worker streams (structured clone passes a reference); else its bytes, transferred.
 */
export async function sendableDataset(
  chosen: ChosenText | null,
  config: RunConfig,
): Promise<UserDataset | CorpusFile | null> {
  if (chosen !== null && config.corpus === 'shards')
    return { name: chosen.name, file: chosen.file };
  return sendableText(chosen);
}
