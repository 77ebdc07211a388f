import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeHeap } from './heap-summary.mjs';

const POLL_MS = 100;
const SAMPLE_MS = 4;

/**
 * The bench worker's heap over the DevTools protocol. Playwright's CDPSession cannot address a
 * worker's own session, so this attaches the classic (non-flat) way and speaks to it through
 * Target.sendMessageToTarget. Runtime.getHeapUsage reports the isolate's JS heap (usedSize) and
 * the backing stores of its ArrayBuffers (backingStorageSize), which hold tensor bytes.
 */
async function findWorker(cdp, title) {
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.title === title);
  if (target === undefined) return null;
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  });
  return workerClient(cdp, sessionId);
}

async function attachToWorker(cdp, title, deadline) {
  for (;;) {
    const send = await findWorker(cdp, title);
    if (send !== null) return send;
    if (Date.now() > deadline) throw new Error(`no worker named "${title}" appeared`);
    await sleep(POLL_MS);
  }
}

function workerClient(cdp, sessionId) {
  let nextId = 1;
  const waiting = new Map();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message);
    const entry = waiting.get(message.id);
    if (entry === undefined) return;
    waiting.delete(message.id);
    if (message.error) entry.reject(new Error(message.error.message));
    else entry.resolve(message.result);
  });
  return (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      const message = JSON.stringify({ id, method, params });
      cdp.send('Target.sendMessageToTarget', { sessionId, message }).catch(reject);
    });
}

/** The snapshot hasher, the bench worker's own worker (workers/snapshot/copy-lane.ts). */
const HASHER = 'snapshot-hasher';

/**
 * Samples the worker's heap every few ms while its `benchHeapPhase` is 'baseline' or
 * 'snapshot' (the throughput windows run unobserved); on a '-gc' phase it collects garbage in
 * the worker and acknowledges. The snapshot hasher's heap is added to each sample once it has
 * started (the bytes in transit are there half the time), and kept apart as `hasher`. Never
 * throws: a sampler that cannot attach leaves the row's heap figures null and says why.
 */
export function sampleWorkerHeap(page, title = 'bench') {
  const samples = [];
  let stopped = false;
  let failure = null;
  const run = async () => {
    const cdp = await page.context().newCDPSession(page);
    const send = await attachToWorker(cdp, title, Date.now() + 60_000);
    let hasher = null;
    const evaluate = async (expression) =>
      (await send('Runtime.evaluate', { expression, returnByValue: true })).result.value;
    const sample = async () => {
      const [u, h] = await Promise.all([
        send('Runtime.getHeapUsage'),
        hasher?.('Runtime.getHeapUsage') ?? null,
      ]);
      const extra = h === null ? 0 : h.usedSize + h.backingStorageSize;
      samples.push({
        t: Date.now(),
        used: u.usedSize + (h?.usedSize ?? 0),
        backing: u.backingStorageSize + (h?.backingStorageSize ?? 0),
        hasher: extra,
      });
    };
    let acked = null;
    while (!stopped) {
      hasher ??= await findWorker(cdp, HASHER);
      const phase = await evaluate('globalThis.benchHeapPhase ?? null');
      if (phase === 'done') return;
      if (phase === 'baseline' || phase === 'snapshot') {
        for (let i = 0; i < 25 && !stopped; i++) {
          await sample();
          await sleep(SAMPLE_MS);
        }
      } else if (phase?.endsWith('-gc') && phase !== acked) {
        acked = phase;
        await Promise.all([
          send('HeapProfiler.collectGarbage'),
          hasher?.('HeapProfiler.collectGarbage'),
        ]);
        await evaluate(`globalThis.benchHeapAck = ${JSON.stringify(phase)}`);
      } else {
        await sleep(POLL_MS);
      }
    }
  };
  const done = run().catch((err) => {
    failure = err instanceof Error ? err.message : String(err);
  });
  return {
    async stop() {
      stopped = true;
      await Promise.race([done, sleep(2000)]);
      return { samples, failure };
    },
  };
}

/**
 * Samples the worker's heap over a case whose row carries its `heap_window` (a baseline, then
 * the measured phase); finish() puts the growth over that baseline in the row in its place:
 * heap_growth_bytes, heap_baseline_bytes, heap_peak_bytes (their sum) and heap_samples.
 */
export function observeHeapGrowth(page) {
  const sampler = sampleWorkerHeap(page);
  return {
    async finish(row) {
      const { samples, failure } = await sampler.stop();
      const heap = row.heap_window ? summarizeHeap(samples, row.heap_window) : null;
      const out = { ...row, heap_window: undefined };
      if (heap === null) return { ...out, heap_note: `heap not sampled: ${failure ?? 'none'}` };
      return {
        ...out,
        heap_growth_bytes: heap.peak_js_heap_bytes,
        heap_baseline_bytes: heap.heap_baseline_bytes,
        heap_peak_bytes: heap.heap_baseline_bytes + heap.peak_js_heap_bytes,
        heap_samples: heap.heap_samples,
      };
    },
  };
}
