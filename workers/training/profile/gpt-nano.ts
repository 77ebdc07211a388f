import { presetConfig, validateConfig, type RunConfig } from '../../../src/shared/config';
import { buildTextDataset, type TextDataset } from '../text-dataset';

/**
 * The `gpt-nano` preset, TinyGPT's small model exactly, which issue 19 measures against: byte
 * vocabulary (256), d 96, 3 layers, 3 heads, MLP 384, context 64, batch 16 (1,024 tokens a
 * step), tied head, AdamW with clipping at 1: 366,432 parameters. The guard is off: the bench
 * and the profile call the session's steps directly.
 */
export const GPT_NANO: RunConfig = validateConfig({ ...presetConfig('gpt-nano'), guard: 0 });

/** `text` as gpt-nano reads it: its UTF-8 bytes as one prose stream. */
export function gptNanoDataset(text: string): TextDataset {
  return buildTextDataset('gpt-nano text', text, GPT_NANO);
}
