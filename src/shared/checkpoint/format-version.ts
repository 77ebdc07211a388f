/**
 * The checkpoint format's name and versions, the one place they are spelled. `__metadata__.format`
 * holds `tab-trainer/<version>`; a file without it, or with another name, is not ours.
 *
 * Version 2 (written now). Metadata keys: format, step, epoch, config, dataset, optimizer, rng,
 * data_cursor, metrics, created_at, sha256, app_version, tfjs_version, backend, training_ms,
 * run_name, val_loss. Tensors: `model/<var>`; `optimizer/<var>/m` and `/v` (all or none, none only
 * before the first step); `optimizer/iter` (I32 []); `optimizer/beta1_power` and
 * `optimizer/beta2_power` (F32 []), the running products tfjs's Adam keeps, needed to resume
 * bitwise: restoring them from `iter` with pow() rounds differently.
 *
 * Version 1 (read and migrated). The PRNG state was under `prng` (now `rng`) and the data cursor
 * under `cursor` (now `data_cursor`); there was no `training_ms` (now 0), no `val_loss` (now the
 * newest validation row) and no beta-power tensors (now rebuilt as the float32 running product,
 * which is what a float32 backend holds after `iter` steps).
 */
export const FORMAT_NAME = 'tab-trainer';
export const CURRENT_FORMAT_VERSION = 2;
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
