import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Cross-origin isolation: SharedArrayBuffer, hence the WASM backend's threads. A static host
// must send the same two headers on every response (see the README).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  worker: {
    format: 'es',
    // Unminified: tfjs-backend-wasm starts its threads from the source text of its threaded
    // module (Function.prototype.toString into a Blob). Mangling renames a variable that text
    // tests with `typeof` (then a ReferenceError in every thread); compressing alone rewrites
    // the `typeof` test itself. Both were tried: threads then fail to start.
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The app, the bench page that `npm run bench` drives (dist/bench/index.html) and the step
    // profile page of `npm run profile:browser` (dist/bench/profile.html).
    rolldownOptions: {
      input: {
        index: page('index.html'),
        bench: page('bench/index.html'),
        profile: page('bench/profile.html'),
      },
    },
  },
  preview: { host: 'localhost', headers: isolation },
  server: { host: 'localhost', headers: isolation },
});
