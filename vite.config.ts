import { defineConfig } from 'vite';

export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  preview: { host: 'localhost' },
  server: { host: 'localhost' },
});
