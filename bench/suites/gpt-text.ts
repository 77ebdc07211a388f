import type { RunConfig } from '../../src/shared/config';
import { loadDataset, type LoadedDataset } from '../../workers/bench-surface';
// The World English Bible (5.0 MB of public-domain prose, tests/fixtures/text/README.md), built
// into dist/ as a file of its own: only the bench page fetches it.
import webTextUrl from '../../tests/fixtures/text/web.txt.gz?url';

export const GPT_TEXT_NAME = 'web.txt (World English Bible)';

let text: Promise<string> | null = null;

async function fetchText(): Promise<string> {
  const response = await fetch(webTextUrl);
  if (!response.ok || response.body === null) {
    throw new Error(`The bench text ${webTextUrl} did not load (${response.status}).`);
  }
  const plain = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Response(plain).text();
}

/** The text tokenized as the run's config says (a preset: bytes, prose, no separator). */
export async function benchProse(config: RunConfig): Promise<LoadedDataset> {
  text ??= fetchText();
  return loadDataset(GPT_TEXT_NAME, await text, config);
}
