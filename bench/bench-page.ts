import { wrap } from 'comlink';
import type { BenchApi, BenchRow, BenchSpec } from './bench-api';

declare global {
  interface Window {
    /** Runs one spec in a fresh worker; rejects only if the worker itself dies. */
    runBench(spec: BenchSpec): Promise<BenchRow>;
  }
}

async function runBench(spec: BenchSpec): Promise<BenchRow> {
  const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), {
    type: 'module',
    name: 'bench',
  });
  // comlink alone would leave the call pending forever if the worker fails to load or dies.
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) =>
      reject(new Error(`The bench worker died: ${event.message || 'failed to load'}`)),
    );
  });
  try {
    return await Promise.race([wrap<BenchApi>(worker).run(spec), crashed]);
  } finally {
    worker.terminate();
  }
}

window.runBench = runBench;

/** By hand: ?spec=<JSON> runs it and shows the row; data-state says when it is done. */
async function runFromUrl(): Promise<void> {
  const text = new URLSearchParams(location.search).get('spec');
  if (text === null) return;
  const out = document.getElementById('result')!;
  document.body.dataset['state'] = 'running';
  try {
    const row = await runBench(JSON.parse(text) as BenchSpec);
    out.textContent = JSON.stringify(row, null, 2);
    document.body.dataset['state'] = 'done';
  } catch (err) {
    out.textContent = String(err);
    document.body.dataset['state'] = 'error';
  }
}

void runFromUrl();
