/**
 * The checkpoint format's name and versions, the one place they are spelled. `__metadata__.format`
 * holds `tab-trainer/<version>`; a file without it, or with another name, is not ours.
 *
 * Version 4 (written for every run that version 3 cannot describe: see `formatVersionFor`).
 * Version 3's keys, plus `tokenizer`: JSON `{"kind": "char" | "byte" | "bpe", "vocabSize", "text":
 * "lines" | "prose", "boundary": id | null, "separator": {"id", "text"} | null}`, derived from
 * the config and the dataset's alphabet and checked against them on import (it lets another
 * program read the ids: byte ids 0–255 are bytes, char ids index `dataset.vocab` by code point,
 * `separator.id` stands for `separator.text`, `boundary` ends a line). `config` gains model
 * `gpt` and the keys tokens, text, separator, weightDecay, dropout, tie, beta1, beta2;
 * `optimizer` is `{"className": "AdamW", "config": {..., "weightDecay"}}` when the run decays;
 * `dataset.vocab` is empty for byte and BPE tokens, and for prose `trainExamples` / `valExamples`
 * count the tokens of each part. A tokens=bpe run (issue 20; `config.vocabSize`) carries the
 * Hugging Face tokenizer.json it learned as the string `dataset.tokenizer` (BPE ids are that
 * file's ids; the separator, if any, is the id after them).
 *
 * Version 3 (written for a run it describes: model mlp or transformer, characters, one example
 * per line, plain Adam with betas 0.9 and 0.999, so that readers of version 3, such as older
 * builds of python/tabtrainer, keep reading them; read and migrated with those values). Version 2's keys, plus `guard`: the divergence guard's state, JSON
 * `{"skips": [{"fromBatch", "toBatch"}], "rewinds": [{"spikeStep", "reason", "loss", "gradNorm",
 * "mean", "toSnapshotId", "toStep", "skipped": {"fromBatch", "toBatch"}, "lrScale"}], "lrScale"}`
 * (a non-finite loss or norm is written as null); `metrics` gains `gradNorm`, [step, norm] rows of
 * the same steps as `train`; `config` gains schedule, warmup, decaySteps, minLr, clip, guard,
 * spikeFactor, spikeWindow, guardWarmup, rewindMargin, rewindLrFactor, rewindWindow.
 *
 * Version 2 (read and migrated). Metadata keys: format, step, epoch, config, dataset, optimizer, rng,
 * data_cursor, metrics, created_at, sha256, app_version, tfjs_version, backend, training_ms,
 * run_name, val_loss. Tensors: `model/<var>`; `optimizer/<var>/m` and `/v` (all or none, none only
 * before the first step); `optimizer/iter` (I32 []); `optimizer/beta1_power` and
 * `optimizer/beta2_power` (F32 []), the running products tfjs's Adam keeps, needed to resume
 * bitwise: restoring them from `iter` with pow() rounds differently. Migrated to 3 with today's
 * behaviour of such a run: the config's new keys take their legacy values (constant rate, no
 * clipping, guard off) and `guard` is empty (no skips, no rewinds, factor 1).
 *
 * Version 1 (read and migrated). The PRNG state was under `prng` (now `rng`) and the data cursor
 * under `cursor` (now `data_cursor`); there was no `training_ms` (now 0), no `val_loss` (now the
 * newest validation row) and no beta-power tensors (now rebuilt as the float32 running product,
 * which is what a float32 backend holds after `iter` steps).
 */
export const FORMAT_NAME = 'tab-trainer';
export const CURRENT_FORMAT_VERSION = 4;
export const OLDEST_FORMAT_VERSION = 1;

export function formatTag(version: number): string {
  return `${FORMAT_NAME}/${version}`;
}

const TAG = new RegExp(`^${FORMAT_NAME}/([1-9][0-9]{0,8})$`);

export type ParsedFormat =
  | { readonly kind: 'ours'; readonly version: number }
  | { readonly kind: 'newer'; readonly version: number }
  | { readonly kind: 'foreign' };

export function parseFormatTag(tag: string | undefined): ParsedFormat {
  const match = tag === undefined ? null : TAG.exec(tag);
  if (match === null) return { kind: 'foreign' };
  const version = Number(match[1]);
  if (version > CURRENT_FORMAT_VERSION) return { kind: 'newer', version };
  return { kind: 'ours', version };
}
