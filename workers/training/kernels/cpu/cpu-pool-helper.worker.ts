import type { HelperMessage } from './cpu-pool-protocol';
import { serveProducts } from './cpu-pool-helper';

// The entry Vite bundles for a pool helper (cpu-threads.ts starts it from the training worker).
serveProducts(
  (onMessage) => {
    self.onmessage = (event: MessageEvent<HelperMessage>) => onMessage(event.data);
  },
  () => self.postMessage('serving'),
);
// Shared arrays that cannot be read here: thrown, so the training worker's onerror retires the pool.
self.onmessageerror = () => {
  throw new Error('a pool helper could not read the shared arrays it was sent');
};
