import { CTRL, type HelperMessage, workOnJob } from './cpu-product-protocol';

/**
 * A product helper's whole life: keep the shared arrays it is sent, and on each job claim and
 * compute chunks until the job has none left. It never waits: the training worker waits only for
 * chunks a helper has claimed, so a helper that starts late, or lags a job, costs no correctness.
 * A chunk that throws sets FAILED (the training worker stops waiting and computes alone).
 */
export function serveProducts(listen: (onMessage: (message: HelperMessage) => void) => void) {
  let shared: { control: Int32Array; data: Float32Array } | null = null;
  listen((message) => {
    if (message.type === 'buffers') {
      shared = { control: message.control, data: message.data };
      return;
    }
    if (shared === null) return;
    try {
      const computed = workOnJob(shared.control, shared.data, message.gen);
      if (computed > 0) Atomics.add(shared.control, CTRL.helperChunks, computed);
    } catch (err) {
      Atomics.store(shared.control, CTRL.failed, 1);
      Atomics.notify(shared.control, CTRL.done);
      throw err;
    }
  });
}
