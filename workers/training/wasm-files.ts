import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let configured = false;

/**
 * Points tfjs at the .wasm binaries the app bundles (Vite emits them as hashed assets next to
 * the worker), so nothing is fetched from a CDN. Must run before the wasm backend starts.
 * XNNPACK's thread count is set as the backend starts (wasm-threads.ts).
 */
export function useBundledWasm(): void {
  if (configured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainWasm,
    'tfjs-backend-wasm-simd.wasm': simdWasm,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdWasm,
  });
  configured = true;
}
