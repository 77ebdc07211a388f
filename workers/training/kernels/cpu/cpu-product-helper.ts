import { CTRL, type HelperMessage, workOnJob } from './cpu-product-protocol';

/**
 * A product helper's whole life: keep the shared arrays it is sent, then wait on the claim word
 * (Atomics.wait: a helper is a worker) and work on each job it opens, claiming chunks until the
 * job has none left. Jobs wake it through the shared word, not messages: a message from a worker
 * that runs one long task (the bench's training loop) reached the helper only after the job was
 * over. When the operands' buffer is replaced (EPOCH moves) it returns to its event loop for the
 * new one. The training worker waits only for chunks a helper has claimed, so a helper that
 * starts late, or lags a job, costs no correctness. A chunk that throws sets FAILED (the training
 * worker stops waiting and computes alone).
 */
export function serveProducts(listen: (onMessage: (message: HelperMessage) => void) => void) {
  let lastGen = 0;
  listen((message) => {
    const { control, data } = message;
    const epoch = Atomics.load(control, CTRL.epoch);
    try {
      while (Atomics.load(control, CTRL.epoch) === epoch) {
        const word = Atomics.load(control, CTRL.claim);
        const gen = word >>> 16;
        if (gen !== lastGen) {
          lastGen = gen;
          const computed = workOnJob(control, data, gen);
          if (computed > 0) Atomics.add(control, CTRL.helperChunks, computed);
          continue;
        }
        Atomics.wait(control, CTRL.claim, word);
      }
    } catch (err) {
      Atomics.store(control, CTRL.failed, 1);
      Atomics.notify(control, CTRL.done);
      throw err;
    }
  });
}
