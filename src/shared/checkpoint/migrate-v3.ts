import { validateConfig, withLegacyKeys } from '../config';
import { formatTag } from './format-version';
import type { Metadata } from './metadata-fields';
import { describeTokenizer } from './tokenizer-meta';

/**
 * Format-3 metadata rewritten as format 4's: a run from before text modes, byte tokens, gpt
 * and AdamW trains on as it did (characters, one example per line, plain Adam with betas 0.9
 * and 0.999), and its `tokenizer` is what that config and its alphabet describe.
 */
export function migrateMetadataV3(meta: Metadata): Map<string, string> {
  const out = new Map(meta);
  try {
    const parsed: unknown = JSON.parse(out.get('config') ?? '');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const config = withLegacyKeys(parsed);
      out.set('config', JSON.stringify(config));
      const alphabet = (JSON.parse(out.get('dataset') ?? '') as { vocab: unknown }).vocab;
      if (typeof alphabet === 'string') {
        out.set('tokenizer', describeTokenizer(validateConfig(config), alphabet));
      }
    }
  } catch {
    // A broken config or dataset is reported by the format-4 reader, under its own key.
  }
  out.set('format', formatTag(4));
  return out;
}
