import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The PyTorch bridge's mirror of the browser's corpus (python/tabtrainer): the text's stream of
 * byte or BPE tokens as shard_corpus.py rebuilds it (a BPE learned on the text as the browser
 * learns it), its address as corpus_address.py hashes it, and
 * the token file as token_file.py writes it. python/tests/test_token_file.py checks that file
 * byte for byte against the one workers/corpus/token-file.ts makes in Node
 * (tests/fixtures/golden/shards.json), and tests/e2e/corpus-export.spec.ts against Chromium's.
 */
const MIRROR = `
import hashlib, sys
import numpy as np
from tabtrainer.corpus_address import corpus_address, corpus_identity
from tabtrainer.shard_corpus import build_shard_prose
from tabtrainer.token_file import write_token_file
text, tokens, separator, vocab, out = sys.argv[1:]
config = {"tokens": tokens, "separator": separator}
if tokens == "bpe":
    config["vocabSize"] = int(vocab)
data = open(text, "rb").read()
prose = build_shard_prose(text, data, config, None)
bpe = prose.bpe if tokens == "bpe" else None
address = corpus_address(corpus_identity(hashlib.sha256(data).hexdigest(), separator, bpe))
write_token_file(out, np.concatenate([prose.train, prose.val]), address)
`;

/** The corpus's tokenizer as the URL gives it (`tokens=`, `separator=`, `vocabSize=`). */
export type MirrorTokenizer =
  | { readonly tokens: 'byte'; readonly separator: string }
  | { readonly tokens: 'bpe'; readonly separator: string; readonly vocabSize: number };

/**
 * The token file Export tokens must download for a corpus of `text` with this tokenizer, as the
 * PyTorch bridge makes it (a BPE learned on the text as the browser learns it); written to `out`.
 */
export function mirroredTokenFile(text: string, tokenizer: MirrorTokenizer, out: string): Buffer {
  const vocab = tokenizer.tokens === 'bpe' ? String(tokenizer.vocabSize) : '';
  const run = spawnSync(
    'python3',
    ['-c', MIRROR, text, tokenizer.tokens, tokenizer.separator, vocab, out],
    {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`the Python mirror failed:\n${run.stdout}\n${run.stderr}`);
  return readFileSync(out);
}

/** The first byte at which `a` and `b` differ, or -1 where they are equal. */
export function firstDifference(a: Buffer, b: Buffer): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}
