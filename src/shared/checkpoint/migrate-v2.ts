import { withLegacyTraining } from '../config';
import { NO_GUARD_STATE } from '../snapshot';
import { formatTag } from './format-version';
import type { Metadata } from './metadata-fields';

/**
 * Format-2 metadata rewritten as format 3's: a run from before the schedule and the guard
 * trains on as it did (constant rate, no clipping, guard off) and has no rewinds or skips.
 */
export function migrateMetadataV2(meta: Metadata): Map<string, string> {
  const out = new Map(meta);
  const config = out.get('config');
  try {
    const parsed: unknown = JSON.parse(config ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      out.set('config', JSON.stringify(withLegacyTraining(parsed)));
    }
  } catch {
    // A broken config is reported by the format-3 reader, under its own key.
  }
  if (!out.has('guard')) out.set('guard', JSON.stringify(NO_GUARD_STATE));
  out.set('format', formatTag(3));
  return out;
}
