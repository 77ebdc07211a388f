import { errorText } from '../../src/shared/errors';
import type { RunRecord, SnapshotPayload, TensorBytes } from '../../src/shared/snapshot';
import { datasetText } from './dataset-bytes';
import type { MirrorText } from './mirror-record';
import type { RunWrite } from './snapshot-commit';
import type { MirrorCost, SnapshotMirror } from './snapshot-mirror';
import type { TrainerDatabase } from './store-schema';

/** A commit's second copy: what it cost, or why it failed (the commit stands either way). */
export type MirrorOutcome = MirrorCost | { readonly error: string };

/**
 * Writes each committed snapshot into the second copy. It knows every text's name and size in
 * bytes by dataset id (content-addressed: a size never changes), from the commit that wrote the
 * text or from one read per store: the copy needs them to see whether its text's file is there,
 * and reading the text out of IndexedDB for them at every commit read the whole corpus each time.
 */
export class MirrorWriter {
  private readonly textsAbout = new Map<string, MirrorText>();

  constructor(private readonly mirror: SnapshotMirror) {}

  /** After a commit: the run's newest snapshot into the second copy. Never throws. */
  async write(
    db: TrainerDatabase,
    payload: SnapshotPayload<TensorBytes>,
    run: RunRecord,
    write: RunWrite | null,
  ): Promise<MirrorOutcome> {
    try {
      const { id } = payload.manifest.dataset;
      const stored = async () => {
        const record = await db.get('datasets', id);
        return record === undefined ? null : datasetText(record);
      };
      let text = write?.dataset ?? null;
      if (text === null && !this.textsAbout.has(id)) text = await stored();
      if (text !== null) {
        this.textsAbout.set(text.id, { id: text.id, name: text.name, size: text.bytes.length });
      }
      const about = this.textsAbout.get(id) ?? null;
      const known = text;
      return await this.mirror.write({ run, payload }, about, async () => known ?? stored());
    } catch (err) {
      return { error: errorText(err) };
    }
  }
}
