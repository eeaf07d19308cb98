// A small static server for the demo and the browser tests: serves only the folders a
// website would (the widget, the core, shared data, the examples) with the MIME types
// instantiateStreaming needs, and a strict Content-Security-Policy on every page so
// the demo proves the core runs on a locked-down host page.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, normalize, join } from 'node:path';
import { repoRoot } from './shipped-files.mjs';
import { snippetCode } from './snippet.mjs';
import { MIME_TYPES, STRICT_CSP } from '../server/http/site-routes.js';

export { STRICT_CSP };

const SERVED_FOLDERS = ['web/', 'dist/', 'shared/', 'examples/'];
// Example host pages that stand for sites without any CSP (so an inline snippet runs).
const NO_CSP_FOLDER = 'examples/host-pages/no-csp/';
// Where those pages want the current dist/kefu-snippet.js, which a site pastes verbatim.
const SNIPPET_MARKER = '/*kefu-snippet*/';

export function startStaticServer({ port = 0, host = '127.0.0.1', landing = '/examples/demo/' } = {}) {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    if (url.pathname === '/') {
      response.writeHead(302, { location: landing }).end();
      return;
    }
    let relative = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (relative.endsWith('/') || relative === '') relative += 'index.html';
    if (relative.includes('..') || !SERVED_FOLDERS.some((folder) => relative.startsWith(folder))) {
      response.writeHead(404).end('not found');
      return;
    }
    try {
      let body = await readFile(join(repoRoot, relative));
      if (relative.startsWith(NO_CSP_FOLDER) && body.includes(SNIPPET_MARKER)) body = String(body).replace(SNIPPET_MARKER, snippetCode);
      const headers = {
        'content-type': MIME_TYPES[extname(relative)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      };
      if (!relative.startsWith(NO_CSP_FOLDER)) headers['content-security-policy'] = STRICT_CSP;
      response.writeHead(200, headers);
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actualPort } = server.address();
      resolve({ server, url: `http://${host}:${actualPort}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}
