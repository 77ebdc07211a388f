import * as tf from '@tensorflow/tfjs';
import { withLegacyKeys } from '../../src/shared/config';
import { JobModelMismatchError } from '../../src/shared/errors';
import { vocabSize } from '../../src/shared/text-mode';
import type { JobRecord } from '../../src/shared/jobs/job-types';
import type { SnapshotStore } from '../store';
import { createModel, type CharModel } from '../training/models';

/**
 * The job's model, rebuilt from its snapshot. The snapshot's tensors are verified against its
 * manifest on load, and the manifest's hashes must equal those the job recorded: a missing,
 * damaged or different snapshot refuses the job with JobModelMismatchError.
 */
export async function loadJobModel(store: SnapshotStore, job: JobRecord): Promise<CharModel> {
  const { manifest: jobManifest } = job;
  const refuse = (detail: string) =>
    new JobModelMismatchError(job.id, jobManifest.snapshotStep, detail);
  let payload;
  try {
    payload = await store.loadSnapshot(job.snapshotId);
  } catch (err) {
    throw refuse(err instanceof Error ? err.message : String(err));
  }
  const { manifest, data } = payload;
  const stored = new Map(manifest.tensors.map((t, i) => [t.name, { record: t, bytes: data[i]! }]));
  for (const [name, sha] of Object.entries(jobManifest.tensorSha256)) {
    const found = stored.get(name);
    if (found === undefined) throw refuse(`${name} is missing`);
    if (found.record.sha256 !== sha) {
      throw refuse(
        `${name} has SHA-256 ${found.record.sha256.slice(0, 12)}…, not ${sha.slice(0, 12)}…`,
      );
    }
  }
  if (manifest.dataset.vocab !== jobManifest.vocab) throw refuse('the vocabulary differs');
  const config = withLegacyKeys(manifest.config);
  const model = createModel(config, vocabSize(config, jobManifest.vocab), null);
  try {
    for (const { name, variable } of model.variables) {
      const found = stored.get(`model/${name}`);
      if (found === undefined || jobManifest.tensorSha256[`model/${name}`] === undefined) {
        throw refuse(`model/${name} is not among the job's tensors`);
      }
      const values = tf.tensor(new Float32Array(found.bytes), [...found.record.shape], 'float32');
      variable.assign(values);
      values.dispose();
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
