import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Resolves a URL path inside root, or null for one that climbs out of it or is malformed. */
function fileFor(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const relative = normalize(decoded.endsWith('/') ? `${decoded}index.html` : decoded);
  const file = join(root, relative);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * Serves a built dist/ folder read-only on 127.0.0.1 at `port` (0: a free one). The page is
 * opened as http://localhost:<port>: localhost is a secure context, which WebGPU requires.
 * Every response carries the isolation headers and `no-store`: a revalidated page answered by a
 * bare 304 (as vite preview answers) would come back without them. Resolves to { url, close() }.
 */
export async function serveStatic(root, port = 0) {
  const server = createServer(async (req, res) => {
    const file = fileFor(root, req.url ?? '/');
    const info = file === null ? null : await stat(file).catch(() => null);
    if (file === null || info === null || !info.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
      // As vite.config.ts: cross-origin isolated, so the WASM backend can use threads.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = server.address().port;
  return {
    url: `http://localhost:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
