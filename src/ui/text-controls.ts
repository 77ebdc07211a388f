import type { RunConfig } from '../shared/config';
import { DEFAULT_BPE_VOCAB, MAX_BPE_VOCAB, MIN_BPE_VOCAB } from '../shared/bpe-settings';
import { SEPARATOR_BLANK, SEPARATOR_NONE } from '../shared/text-mode';
import { element } from './element';
import { field, heading, inactive, select } from './form-fields';

const LITERAL = 'literal';

/** The config form's "Text and tokens" group: tokens, BPE vocabulary, text mode, separator, corpus. */
export interface TextControls {
  /** The group's heading and fields, in the form's order. */
  readonly fields: HTMLElement[];
  /** The controls whose `input` reading may name a bad field (aria-invalid). */
  readonly vocab: HTMLInputElement;
  readonly literal: HTMLInputElement;
  /** The text keys of a raw config (fields that do not apply read as their off value). */
  raw(): Record<string, unknown>;
  /** Shows a preset's tokens, text mode and separator (the vocabulary and corpus stay). */
  fillPreset(values: Pick<RunConfig, 'tokens' | 'text' | 'separator'>): void;
  /** Shows a config's text keys, all of them. */
  set(config: RunConfig): void;
  /** Greys out what does not apply (a separator and corpus for lines, a vocabulary for non-BPE). */
  sync(): void;
}

export function createTextControls(): TextControls {
  const tokens = select('config-tokens', [
    ['char', 'Characters'],
    ['byte', 'Bytes (UTF-8)'],
    ['bpe', 'BPE learned on the text'],
  ]);
  // tokens=bpe only: the BPE's vocabulary (not a NUMERIC_KEY: other configs have none).
  const vocab = element('input', {
    type: 'number',
    name: 'vocabSize',
    id: 'config-vocabSize',
    min: String(MIN_BPE_VOCAB),
    max: String(MAX_BPE_VOCAB),
    step: '1',
    inputmode: 'numeric',
  });
  // corpus=shards (issue 20): prose tokenized into token shards on disk, not held in memory.
  const corpus = select('config-corpus', [
    ['memory', 'In memory'],
    ['shards', 'Token shards on disk'],
  ]);
  const mode = select('config-text', [
    ['lines', 'One example per line'],
    ['prose', 'Prose (one stream)'],
  ]);
  const separator = select('config-separator', [
    [SEPARATOR_NONE, 'None'],
    [SEPARATOR_BLANK, 'Blank line'],
    [LITERAL, 'Literal'],
  ]);
  const literal = element('input', {
    type: 'text',
    id: 'config-separator-literal',
    maxlength: 64,
    placeholder: '<|endoftext|>',
  });
  const fields = [
    heading('Text and tokens'),
    field('config-tokens', 'Tokens', tokens),
    field(vocab.id, 'BPE vocabulary', vocab, 'tokens=bpe: bytes and merges, 512 to 32,768'),
    field('config-text', 'Text', mode),
    field('config-separator', 'Separator', separator, 'prose: what ends a document'),
    field(literal.id, 'Separator text', literal),
    field('config-corpus', 'Corpus', corpus, 'prose in bytes or BPE: streamed to token shards'),
  ];

  function fillPreset(values: Pick<RunConfig, 'tokens' | 'text' | 'separator'>): void {
    tokens.value = values.tokens;
    mode.value = values.text;
    const word = values.separator === SEPARATOR_NONE || values.separator === SEPARATOR_BLANK;
    separator.value = word ? values.separator : LITERAL;
    literal.value = word ? '' : values.separator;
  }

  return {
    fields,
    vocab,
    literal,
    raw() {
      const lines = mode.value === 'lines';
      const out: Record<string, unknown> = {
        tokens: tokens.value,
        text: mode.value,
        separator: lines
          ? SEPARATOR_NONE
          : separator.value === LITERAL
            ? literal.value
            : separator.value,
      };
      if (tokens.value === 'bpe') {
        out['vocabSize'] = vocab.value.trim() === '' ? NaN : Number(vocab.value);
      }
      if (corpus.value === 'shards' && !lines) out['corpus'] = 'shards';
      return out;
    },
    fillPreset,
    set(config) {
      fillPreset(config);
      vocab.value = String(config.vocabSize ?? DEFAULT_BPE_VOCAB);
      corpus.value = config.corpus ?? 'memory';
    },
    sync() {
      const prose = mode.value === 'prose';
      inactive(separator, !prose);
      inactive(vocab, tokens.value !== 'bpe');
      inactive(corpus, !prose);
      inactive(literal, !prose || separator.value !== LITERAL);
    },
  };
}
