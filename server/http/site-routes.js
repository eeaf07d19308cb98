// The HTTP side of the server: the shipped browser files (/kefu/), each site's
// knowledge base (/kb/<siteId>.json) and its trained index (/kb/<siteId>/<version>.kfi,
// /kb/<siteId>.kfi naming the current one, with its per-locale answer texts
// /kb/<siteId>/<version>.<locale>.json), the demo website (/ and /wechat/), the agent
// console (/console/) and the older FAQ-only demo (/examples/demo/). Every page carries
// the strict CSP, which the widget and the console are built to live under.
//
// Caching and embedding (docs/embedding.md, "Serving the files"): the shipped files and
// the knowledge bases are public by design — the same bytes for every visitor, no
// cookies, nothing secret — so any origin may load them (CORS `*`, CORP cross-origin),
// and a cache keeps one copy for every host page. Who may chat is decided at the
// WebSocket, by each site's allowedOrigins.
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { KB_VERSION } from '../kb/site-knowledge.js';
import { chooseEncoding, ifNoneMatchHas, StaticFiles } from './static-files.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ws:; img-src 'self' data: blob:";
// The agent console acts with an agent's session: no page may frame it (clickjacking),
// it talks to its own origin only ('self' covers ws: to the same host and port), and its
// forms never submit anywhere (a password must not end up in a URL).
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const CONSOLE_FOLDER = join(REPO_ROOT, 'server/console') + sep;

// The types browsers need (instantiateStreaming insists on application/wasm).
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// URL prefix -> folder, first match wins; the demo website takes what is left.
const FOLDERS = [
  ['/kefu/', 'dist/'],
  ['/console/', 'server/console/'],
  // The FAQ-only demo imports the core from /web/ and its data from /shared/.
  ['/examples/demo/', 'examples/demo/'],
  ['/web/', 'web/'],
  ['/dist/', 'dist/'],
  ['/shared/', 'shared/'],
  ['/', 'examples/site/'],
];

// Files under /kefu/v/<content hash>/ never change (scripts/bundle.mjs names the folder
// after their bytes), so browsers keep them a year without asking again.
export const IMMUTABLE = 'public, max-age=31536000, immutable';
// Everything else is revalidated on each use (a 304 when unchanged): the loader names
// the current versioned folder, so an upgrade reaches the next page view.
export const REVALIDATE = 'no-cache';
// A knowledge base is fetched on every page view that opens the widget; an edit reaches
// visitors within five minutes, and a repeat visit costs no request.
export const KB_CACHE = 'public, max-age=300';
// The home screen's data says who is on duty, so it is kept only a minute: a page view
// after that asks again. The widget asks past the cache when it needs the answer now
// (a hand-off that found nobody).
export const SITE_PROFILE_CACHE = 'public, max-age=60';
// The pointer to a site's current index is asked again on every page view (a 302 to the
// versioned URL, which is then cached for good).
const KB_POINTER_CACHE = 'no-cache';
const VERSIONED = /^\/kefu\/v\/[0-9a-f]{8,64}\//;
const PUBLIC_ASSET_HEADERS = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };

function headersFor(path, pathname) {
  const console = path.startsWith(CONSOLE_FOLDER);
  const publicAsset = pathname.startsWith('/kefu/') || pathname.startsWith('/kb/');
  return {
    'content-type': MIME_TYPES[extname(path)] ?? 'application/octet-stream',
    'content-security-policy': console ? CONSOLE_CSP : STRICT_CSP,
    ...(console ? { 'x-frame-options': 'DENY' } : {}),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cache-control': VERSIONED.test(pathname) ? IMMUTABLE : pathname.startsWith('/kb/') ? KB_CACHE : REVALIDATE,
    ...(publicAsset ? PUBLIC_ASSET_HEADERS : {}),
  };
}

// The file under `folder` that `rest` names, or null when it would step outside it.
function fileWithin(folder, rest) {
  const root = join(REPO_ROOT, folder);
  let relative;
  try {
    relative = decodeURIComponent(rest);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  const path = resolve(root, normalize(relative).replace(/^([/\\])+/, ''));
  return path === root.replace(/[/\\]$/, '') || path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : null;
}

async function isDirectory(path) {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

// A few hundred bytes made per request: compressed at a quality that costs microseconds.
function sendProfile(request, response, bytes) {
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  const sent =
    encoding === 'br' ? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : encoding === 'gzip' ? gzipSync(bytes) : bytes;
  const headers = {
    'content-type': MIME_TYPES['.json'],
    'cache-control': SITE_PROFILE_CACHE,
    'x-content-type-options': 'nosniff',
    vary: 'Accept-Encoding',
    ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
    'content-length': String(sent.length),
    ...PUBLIC_ASSET_HEADERS,
  };
  // setHeader rather than writeHead's object, so what was sent can be read back (as for files).
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : sent);
}

function notFound(response) {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end('not found');
}

// A site's KB JSON as it serves it now (the file's, or one published from the console):
// compressed at most once per encoding and text, not per request (a real KB is hundreds
// of KB).
const compressedJson = new WeakMap(); // the served {text, etag} -> {identity, br, gzip}
function sendKnowledgeBase(request, response, json) {
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  const forms = compressedJson.get(json) ?? compressedJson.set(json, {}).get(json);
  forms.identity ??= Buffer.from(json.text);
  forms[encoding] ??= encoding === 'br' ? brotliCompressSync(forms.identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzipSync(forms.identity);
  const bytes = forms[encoding];
  const etag = encoding === 'identity' ? json.etag : `${json.etag.slice(0, -1)}-${encoding}"`;
  const headers = {
    'content-type': MIME_TYPES['.json'],
    'cache-control': KB_CACHE,
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    ...PUBLIC_ASSET_HEADERS,
    ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
  };
  if (ifNoneMatchHas(request.headers['if-none-match'], etag)) {
    response.writeHead(304, headers).end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

// A site's index, or its answer texts for a locale: the bytes never change under their URL
// (the version is their hash), compressed once when they were built
// (server/kb/index-build-worker.js, server/kb/locale-answers.js).
function sendIndex(request, response, artefact, tag, contentType = 'application/octet-stream') {
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  const bytes = encoding === 'br' ? artefact.br : encoding === 'gzip' ? artefact.gz : artefact.bytes;
  const etag = `"${tag}${encoding === 'identity' ? '' : `-${encoding}`}"`;
  const headers = {
    'content-type': contentType,
    'cache-control': IMMUTABLE,
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    ...PUBLIC_ASSET_HEADERS,
    ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
  };
  // setHeader rather than writeHead's object, so what was sent can be read back (as for files).
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (ifNoneMatchHas(request.headers['if-none-match'], etag)) {
    response.writeHead(304).end();
    return;
  }
  response.setHeader('content-length', String(bytes.length));
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

/**
 * @param {{config: object, log: object, knowledge: import('../kb/site-knowledge.js').SiteKnowledge,
 *   profile?: (siteId: string, locale: string|null) => object|null}} options
 *   `profile`: the widget's home-screen data for a site (server/visitor/site-profile.js)
 */
export function createSiteRoutes({ config, log, knowledge, profile = () => null }) {
  const files = new StaticFiles();
  const sendFile = async (request, response, path, pathname) => {
    const file = (await isDirectory(path)) ? join(path, 'index.html') : path;
    return files.send(request, response, file, headersFor(file, pathname));
  };
  return async function handle(request, response) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(request.url, 'http://localhost');
    const index = /^\/kb\/([\w-]{1,64})\/([^/]*)\.kfi$/.exec(url.pathname);
    if (index) {
      const artefact = KB_VERSION.test(index[2]) ? knowledge.artefact(index[1], index[2]) : null;
      if (artefact) sendIndex(request, response, artefact, index[2]);
      else notFound(response);
      return;
    }
    const answers = /^\/kb\/([\w-]{1,64})\/([0-9a-f]{32})\.([A-Za-z0-9-]{1,35})\.json$/.exec(url.pathname);
    if (answers) {
      const artefact = knowledge.localeAnswers(answers[1], answers[2], answers[3]);
      if (artefact) sendIndex(request, response, artefact, `${answers[2]}.${answers[3]}`, MIME_TYPES['.json']);
      else notFound(response);
      return;
    }
    const current = /^\/kb\/([\w-]{1,64})\.kfi$/.exec(url.pathname);
    if (current) {
      const version = knowledge.version(current[1]);
      if (!version) notFound(response);
      else response.writeHead(302, { location: `/kb/${current[1]}/${version}.kfi`, 'cache-control': KB_POINTER_CACHE, ...PUBLIC_ASSET_HEADERS }).end();
      return;
    }
    const kb = /^\/kb\/([\w-]{1,64})\.json$/.exec(url.pathname);
    if (kb) {
      const site = Object.hasOwn(config.sites, kb[1]) ? config.sites[kb[1]] : null;
      const json = site ? knowledge.json(kb[1]) : null;
      if (json) return sendKnowledgeBase(request, response, json);
      if (!site || !(await sendFile(request, response, resolve(REPO_ROOT, site.knowledgeBase), url.pathname))) notFound(response);
      return;
    }
    const site = /^\/site\/([\w-]{1,64})\.json$/.exec(url.pathname);
    if (site) {
      const body = profile(site[1], url.searchParams.get('locale'));
      if (!body) return notFound(response);
      sendProfile(request, response, Buffer.from(JSON.stringify(body)));
      return;
    }
    // Folders without their trailing slash (/console, /wechat) would break relative links.
    if (url.pathname === '/console' || url.pathname === '/wechat' || url.pathname === '/examples/demo') {
      response.writeHead(301, { location: `${url.pathname}/` }).end();
      return;
    }
    const [prefix, folder] = FOLDERS.find(([candidate]) => url.pathname.startsWith(candidate));
    const path = fileWithin(folder, url.pathname.slice(prefix.length));
    if (!path || !(await sendFile(request, response, path, url.pathname))) {
      log.debug('http_not_found', { path: url.pathname });
      notFound(response);
    }
  };
}
