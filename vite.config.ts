import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The parts of the @tensorflow/tfjs union package that the workers do not use. */
const UNUSED_TFJS = /[\\/]@tensorflow[\\/]tfjs-(layers|converter|data)[\\/]/;

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
    // A new worker (every restart after a crash) fetches, decodes, parses and runs all of it, so
    // it carries no more than it needs: no comments (tfjs's JSDoc and ours), every non-ASCII
    // character escaped (one-byte text: the decoder's ASCII path, V8's one-byte scanner), and none
    // of tfjs-layers, -converter and -data, which the union package imports and we never use:
    // declared free of side effects (they have no `sideEffects` field; layers' registers its
    // layer classes for loading Keras models), their unused code is dropped. 4.1 MB -> 2.2 MB.
    rolldownOptions: {
      output: { minify: false, comments: false, charset: 'ascii' },
      treeshake: { moduleSideEffects: (id: string) => !UNUSED_TFJS.test(id) },
    },
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
