import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 100;
const SAMPLE_MS = 4;

/**
 * The bench worker's heap over the DevTools protocol. Playwright's CDPSession cannot address a
 * worker's own session, so this attaches the classic (non-flat) way and speaks to it through
 * Target.sendMessageToTarget. Runtime.getHeapUsage reports the isolate's JS heap (usedSize) and
 * the backing stores of its ArrayBuffers (backingStorageSize), which hold tensor bytes.
 */
async function attachToWorker(page, title, deadline) {
  const cdp = await page.context().newCDPSession(page);
  for (;;) {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'worker' && t.title === title);
    if (target !== undefined) {
      const { sessionId } = await cdp.send('Target.attachToTarget', {
        targetId: target.targetId,
        flatten: false,
      });
      return { cdp, sessionId };
    }
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

/**
 * Samples the worker's heap every few ms while its `benchHeapPhase` is 'baseline' or
 * 'snapshot' (the throughput windows run unobserved); on a '-gc' phase it collects garbage in
 * the worker and acknowledges. Never throws: a sampler that cannot attach leaves the row's heap
 * figures null and says why.
 */
export function sampleWorkerHeap(page, title = 'bench') {
  const samples = [];
  let stopped = false;
  let failure = null;
  const run = async () => {
    const { cdp, sessionId } = await attachToWorker(page, title, Date.now() + 60_000);
    const send = workerClient(cdp, sessionId);
    const evaluate = async (expression) =>
      (await send('Runtime.evaluate', { expression, returnByValue: true })).result.value;
    const sample = async () => {
      const u = await send('Runtime.getHeapUsage');
      samples.push({ t: Date.now(), used: u.usedSize, backing: u.backingStorageSize });
    };
    let acked = null;
    while (!stopped) {
      const phase = await evaluate('globalThis.benchHeapPhase ?? null');
      if (phase === 'done') return;
      if (phase === 'baseline' || phase === 'snapshot') {
        for (let i = 0; i < 25 && !stopped; i++) {
          await sample();
          await sleep(SAMPLE_MS);
        }
      } else if (phase?.endsWith('-gc') && phase !== acked) {
        acked = phase;
        await send('HeapProfiler.collectGarbage');
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
