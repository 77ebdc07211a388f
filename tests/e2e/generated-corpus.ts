import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A gpt on byte tokens of prose tokenized into token shards (corpus=shards), on WASM. */
export const SHARDS =
  '/?backend=wasm&autostart=0&model=gpt&embed=32&width=128&layers=2&heads=2&context=32' +
  '&batch=8&lr=0.003&warmup=20&seed=4&tokens=byte&text=prose&separator=blank&corpus=shards' +
  '&snapshotSeconds=2';

/**
 * A generated corpus of `megabytes` MB: words from a seeded generator, documents ending in a
 * blank line. Over 8 MiB, so a shard (8 Mi byte tokens) commits well before the end: a reload
 * after it must go on from there.
 */
export function corpusFile(name: string, megabytes: number, seed: number): string {
  const words = ['the', 'shard', 'of', 'a', 'tab', 'trains', 'on', 'and', 'text', 'resumes'];
  let x = seed;
  const parts: string[] = [];
  let size = 0;
  while (size < megabytes * 1e6) {
    let doc = '';
    for (let w = 0; w < 120; w++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      doc += (w === 0 ? '' : ' ') + words[x % words.length];
    }
    parts.push(`${doc}.\n\n`);
    size += doc.length + 3;
  }
  const file = path.join(tmpdir(), `${name}-${process.pid}.txt`);
  writeFileSync(file, parts.join(''));
  return file;
}
