import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The PyTorch bridge's mirror of the browser's corpus (python/tabtrainer): the text's stream of
 * byte tokens as shard_corpus.py rebuilds it, its address as corpus_address.py hashes it, and
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
text, separator, out = sys.argv[1:]
data = open(text, "rb").read()
prose = build_shard_prose(text, data, {"tokens": "byte", "separator": separator}, None)
address = corpus_address(corpus_identity(hashlib.sha256(data).hexdigest(), separator, None))
write_token_file(out, np.concatenate([prose.train, prose.val]), address)
`;

/**
 * The token file Export tokens must download for a corpus of `text` on byte tokens with this
 * separator (the URL's `separator=`), as the PyTorch bridge makes it; written to `out`.
 */
export function mirroredTokenFile(text: string, separator: string, out: string): Buffer {
  const run = spawnSync('python3', ['-c', MIRROR, text, separator, out], {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'python') },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the Python mirror failed:\n${run.stdout}\n${run.stderr}`);
  return readFileSync(out);
}

/** The first byte at which `a` and `b` differ, or -1 where they are equal. */
export function firstDifference(a: Buffer, b: Buffer): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}
