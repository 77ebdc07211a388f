/**
 * A macrotask yield that is not clamped like nested setTimeout(0): the loop lets comlink's
 * messages (pause, snapshot requests) in between steps without adding 4 ms to each.
 */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

/**
 * Between two steps while a snapshot commits: yields, then keeps yielding while `busy()` for
 * at most `budgetMs`. A commit is a chain of I/O round trips (IndexedDB requests, the second
 * copy's file handles), each resumed by a task of its own; with one yield per step, each link
 * waited out a whole step, and a 90 KB snapshot took 50 steps to commit. The budget is a small
 * share of a step, so training keeps its pace.
 */
export async function yieldWhileBusy(busy: () => boolean, budgetMs: number): Promise<void> {
  const until = performance.now() + budgetMs;
  await yieldToEventLoop();
  while (busy() && performance.now() < until) await yieldToEventLoop();
}
