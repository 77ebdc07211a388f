import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The app, and the bench page that `npm run bench` drives (dist/bench/index.html).
    rolldownOptions: { input: { index: page('index.html'), bench: page('bench/index.html') } },
  },
  preview: { host: 'localhost' },
  server: { host: 'localhost' },
});
