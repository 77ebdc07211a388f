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
