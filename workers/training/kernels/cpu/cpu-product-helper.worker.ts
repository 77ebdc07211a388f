import type { HelperMessage } from './cpu-product-protocol';
import { serveProducts } from './cpu-product-helper';

// The entry Vite bundles for a product helper (cpu-threads.ts starts it from the training worker).
serveProducts((onMessage) => {
  self.onmessage = (event: MessageEvent<HelperMessage>) => onMessage(event.data);
});
// Listening: the training worker may stop waiting for this helper to start (cpu-threads.ts).
self.postMessage('ready');
// Listening: the training worker may stop waiting for this helper to start (cpu-threads.ts).
self.postMessage('ready');
