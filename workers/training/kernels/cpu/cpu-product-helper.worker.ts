import type { HelperMessage } from './cpu-product-protocol';
import { serveProducts } from './cpu-product-helper';

// The entry Vite bundles for a product helper (cpu-threads.ts starts it from the training worker).
serveProducts(
  (onMessage) => {
    self.onmessage = (event: MessageEvent<HelperMessage>) => onMessage(event.data);
  },
  () => self.postMessage('serving'),
);
// Shared arrays that cannot be read here: thrown, so the training worker's onerror retires the pool.
self.onmessageerror = () => {
  throw new Error('a product helper could not read the shared arrays it was sent');
};
