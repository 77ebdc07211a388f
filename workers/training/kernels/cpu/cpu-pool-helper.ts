import { CTRL, type HelperMessage, workOnJob } from './cpu-pool-protocol';

/**
 * A pool helper's whole life: take the shared arrays it is sent once, say so (`serving`: the
 * training worker's start waits for that, cpu-threads.ts says why), then wait on the claim word
 * (Atomics.wait: a helper is a worker) and work on each job that opens, claiming chunks until
 * the job has none left. Jobs wake it through the shared word, never a message: a message from a
 * training worker whose loop runs no task reaches nobody until it does. The training worker waits
 * only for chunks a helper has claimed, so a helper that starts late, or lags a job, costs no
 * correctness. A chunk that throws sets FAILED (the training worker stops waiting and computes
 * alone).
 */
export function serveProducts(
  listen: (onMessage: (message: HelperMessage) => void) => void,
  serving: () => void = () => {},
) {
  listen(({ control, data }) => {
    let lastGen = 0;
    Atomics.add(control, CTRL.serving, 1);
    serving();
    try {
      for (;;) {
        const word = Atomics.load(control, CTRL.claim);
        const gen = word >>> 16;
        if (gen !== lastGen) {
          lastGen = gen;
          Atomics.add(control, CTRL.wakes, 1);
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
