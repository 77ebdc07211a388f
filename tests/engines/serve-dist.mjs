// Serves dist/ on 127.0.0.1:<port> for the engines' smoke suite, with the cross-origin
// isolation headers on every response and no caching (bench/runner/static-server.mjs).
import console from 'node:console';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { serveStatic } from '../../bench/runner/static-server.mjs';

const port = Number(process.argv[2] ?? 4173);
const root = fileURLToPath(new URL('../../dist', import.meta.url));
const { url } = await serveStatic(root, port);
console.log(`serving ${root} at ${url}`);
