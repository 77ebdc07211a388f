import { DEFAULT_CONFIG, validateConfig, type RunConfig } from '../../../src/shared/config';
import { MAX_VOCAB, buildDataset, type LinesDataset } from '../dataset';

/**
 * TinyGPT's small shape, which issue 19 measures against: d 96, 3 layers, 3 heads, MLP 384,
 * context 64, batch 16 (1,024 tokens a step), byte vocabulary (256). Until the `gpt` model
 * lands this is the `transformer` at that shape; its head is untied and has a bias, so it has
 * 24,832 more parameters than TinyGPT's 366,432.
 */
export const GPT_NANO: RunConfig = validateConfig({
  ...DEFAULT_CONFIG,
  model: 'transformer',
  embed: 96,
  width: 384,
  layers: 3,
  heads: 3,
  context: 64,
  batch: 16,
  lr: 0.001,
  guard: 0,
});

/**
 * A dataset of `text` whose vocabulary has all 256 symbols, as a byte-level model's: one extra
 * line holds every other code point below 257. Only the vocabulary's size matters for timing.
 */
export function fullVocabDataset(text: string): LinesDataset {
  // The symbols of the documents: every character but the line breaks, plus the line's 'x'.
  const used = new Set([...text, 'x'].filter((ch) => ch !== '\n' && ch !== '\r'));
  const others: string[] = [];
  for (let code = 1; used.size + others.length < MAX_VOCAB - 1; code++) {
    const ch = String.fromCharCode(code);
    // A line break would split the line; whitespace at its ends would be trimmed away.
    if (ch !== '\n' && ch !== '\r' && !used.has(ch)) others.push(ch);
  }
  const data = buildDataset(`${text}\nx${others.join('')}x\n`);
  if (data.vocab.length !== MAX_VOCAB) {
    throw new Error(`fullVocabDataset made a vocabulary of ${data.vocab.length}, not ${MAX_VOCAB}`);
  }
  return data;
}
