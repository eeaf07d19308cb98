// The HTTP side as a browser on another website meets it (docs/embedding.md, "Serving
// the files"): the shipped files and knowledge bases are public (CORS *, CORP
// cross-origin), the versioned folder is cached for good and only the loader is
// revalidated, brotli and gzip are picked by Accept-Encoding with Vary and an ETag; and
// the WebSocket origin check at upgrade.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { startTestServer } from './helpers/running-server.js';
import { rawGet } from './helpers/raw-get.js';
import { createAccount, logIn } from './helpers/console-session.js';
import { clientAddress } from '../../server/security/client-address.js';
import { chooseEncoding } from '../../server/http/static-files.js';
import { IMMUTABLE, REVALIDATE, KB_CACHE } from '../../server/http/site-routes.js';

const FOREIGN = 'https://elsewhere.example';
let server;
before(async () => {
  server = await startTestServer({ config: { sites: { demo: { allowedOrigins: ['https://shop.example.com'] } } } });
});
after(async () => {
  await server?.close();
  server?.removeData();
});

const get = (path, headers = {}) => rawGet(`${server.httpUrl}${path}`, headers);

const decode = (response) =>
  response.headers['content-encoding'] === 'br' ? brotliDecompressSync(response.body) : response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.body) : response.body;

async function versionedFolder() {
  const loader = (await get('/kefu/kefu-loader.js')).body.toString('utf8');
  const version = /v\/([0-9a-f]{16})\//.exec(loader)?.[1];
  assert.ok(version, 'the loader names the versioned folder');
  return `/kefu/v/${version}/`;
}

test('the loader is revalidated on each use (ETag, 304), public to every origin, and the only file not cached for good', async () => {
  const first = await get('/kefu/kefu-loader.js', { origin: FOREIGN, 'accept-encoding': 'br' });
  assert.equal(first.status, 200);
  assert.equal(first.headers['cache-control'], REVALIDATE);
  assert.equal(first.headers['access-control-allow-origin'], '*');
  assert.equal(first.headers['cross-origin-resource-policy'], 'cross-origin');
  assert.equal(first.headers.vary, 'Accept-Encoding');
  assert.match(first.headers.etag, /^".+"$/);
  assert.deepEqual(decode(first), readFileSync(new URL('../../dist/kefu-loader.js', import.meta.url)));
  const again = await get('/kefu/kefu-loader.js', { 'accept-encoding': 'br', 'if-none-match': first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  // Another encoding is another representation: its own ETag.
  const gzip = await get('/kefu/kefu-loader.js', { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag });
  assert.equal(gzip.status, 200);
  assert.notEqual(gzip.headers.etag, first.headers.etag);
});

test('the widget, its CSS and the core come from the versioned folder: immutable, precompressed brotli or gzip by Accept-Encoding', async () => {
  const folder = await versionedFolder();
  for (const name of ['kefu-widget.js', 'kefu-widget.css', 'kefu-core.mjs', 'kefu-core.wasm']) {
    const original = readFileSync(new URL(`../../dist/${name}`, import.meta.url));
    const precompressed = readFileSync(new URL(`../../dist/v/${folder.split('/')[3]}/${name}.br`, import.meta.url));
    const br = await get(folder + name, { origin: FOREIGN, 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.status, 200, name);
    assert.equal(br.headers['cache-control'], IMMUTABLE, name);
    assert.equal(br.headers['content-encoding'], 'br', name);
    assert.equal(br.headers.vary, 'Accept-Encoding', name);
    assert.equal(br.headers['access-control-allow-origin'], '*', name);
    assert.ok(br.headers.etag, name);
    assert.deepEqual(br.body, precompressed, `${name}: the build's brotli -11 copy`);
    assert.deepEqual(decode(br), original, name);
    const gzip = await get(folder + name, { 'accept-encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip', name);
    assert.deepEqual(decode(gzip), original, name);
    const plain = await get(folder + name, {});
    assert.equal(plain.headers['content-encoding'], undefined, name);
    assert.deepEqual(plain.body, original, name);
  }
  assert.equal((await get(`${folder}kefu-core.wasm`)).headers['content-type'], 'application/wasm');
});

test('a knowledge base is public, cached five minutes and compressed on the fly', async () => {
  const kb = await get('/kb/demo.json', { origin: FOREIGN, 'accept-encoding': 'br' });
  assert.equal(kb.status, 200);
  assert.equal(kb.headers['cache-control'], KB_CACHE);
  assert.equal(kb.headers['access-control-allow-origin'], '*');
  assert.equal(kb.headers['content-encoding'], 'br');
  assert.ok(JSON.parse(decode(kb)).faqs.length > 0);
  assert.equal((await get('/kb/demo.json', { 'if-none-match': kb.headers.etag, 'accept-encoding': 'br' })).status, 304);
});

test('Accept-Encoding: brotli first, q=0 refuses, nothing acceptable means identity', () => {
  assert.equal(chooseEncoding('gzip, deflate, br'), 'br');
  assert.equal(chooseEncoding('gzip, br;q=0'), 'gzip');
  assert.equal(chooseEncoding('*'), 'br');
  assert.equal(chooseEncoding('identity'), 'identity');
  assert.equal(chooseEncoding(undefined), 'identity');
});

function upgrade(path, headers) {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.wsUrl.replace(/\/ws$/, '')}${path}`, { headers });
    const frames = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    socket.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode }));
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason), frames }));
    socket.on('error', () => {});
  });
}

test('/ws from an origin no site allows: one origin_not_allowed frame and close 1008, decided at upgrade', async () => {
  const refused = await upgrade('/ws', { origin: FOREIGN });
  assert.deepEqual(refused.frames.map((frame) => [frame.type, frame.code]), [['error', 'origin_not_allowed']]);
  assert.deepEqual([refused.code, refused.reason], [1008, 'origin_not_allowed']);
  // Nothing sent on such a socket is read: a frame over the size limit is no crash.
  const hostile = new WebSocket(server.wsUrl, { origin: FOREIGN });
  hostile.on('error', () => {});
  await new Promise((resolve) => hostile.once('open', resolve));
  hostile.send('x'.repeat(300 * 1024));
  await new Promise((resolve) => hostile.once('close', resolve));
  assert.equal((await get('/kb/demo.json')).status, 200, 'the server still answers');
});

test('/ws from a listed origin or the server\'s own pages is upgraded; hello then checks the site', async () => {
  for (const origin of ['https://shop.example.com', server.httpUrl]) {
    const socket = new WebSocket(server.wsUrl, { origin });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v', epoch: 'e', sessionToken: null, lastSeq: 0 }));
    const frame = await new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    assert.equal(frame.type, 'welcome', origin);
    socket.close();
  }
});

test('/agent takes only the console\'s own origin (the host the browser addressed), and only with a session cookie', async () => {
  const cookie = await logIn(server, (await createAccount(server)).username);
  assert.deepEqual(await upgrade('/agent', { origin: 'https://shop.example.com', cookie }), { status: 403 });
  assert.deepEqual(await upgrade('/agent', { origin: FOREIGN, cookie }), { status: 403 });
  assert.deepEqual(await upgrade('/agent', { origin: server.httpUrl }), { status: 401 }, 'no cookie');
  assert.deepEqual(await upgrade('/agent', { origin: server.httpUrl, cookie: 'kefu_console=guessed' }), { status: 401 }, 'a made-up session');
  // Behind a proxy the console's origin is the public host, passed on in Host.
  const proxied = new WebSocket(`${server.wsUrl.replace(/\/ws$/, '')}/agent`, { origin: 'https://chat.example.com', headers: { host: 'chat.example.com', cookie } });
  await new Promise((resolve, reject) => {
    proxied.once('open', resolve);
    proxied.once('error', reject);
  });
  proxied.close();
  for (const headers of [{ origin: server.httpUrl, cookie }, { cookie }]) {
    const socket = new WebSocket(`${server.wsUrl.replace(/\/ws$/, '')}/agent`, { headers });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'login' }));
    const frame = await new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    assert.equal(frame.type, 'ready', JSON.stringify(headers));
    socket.close();
  }
});

test('clientAddress believes X-Forwarded-For only from the proxies in trustProxy, read from the right', () => {
  const from = (remoteAddress, forwarded) => ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } });
  assert.equal(clientAddress(from('127.0.0.1', '203.0.113.9'), []), '127.0.0.1');
  assert.equal(clientAddress(from('127.0.0.1', '203.0.113.9'), ['127.0.0.1']), '203.0.113.9');
  assert.equal(clientAddress(from('::ffff:127.0.0.1', '203.0.113.9'), ['127.0.0.1']), '203.0.113.9');
  // What the client wrote itself, left of the proxy's entry, is not believed.
  assert.equal(clientAddress(from('127.0.0.1', '1.2.3.4, 203.0.113.9'), ['127.0.0.1']), '203.0.113.9');
  // Two trusted proxies in a row: the client is the first address neither added.
  assert.equal(clientAddress(from('127.0.0.1', '1.2.3.4, 203.0.113.9, 10.0.0.2'), ['127.0.0.1', '10.0.0.2']), '203.0.113.9');
  // A socket from anyone else: its header is ignored.
  assert.equal(clientAddress(from('198.51.100.1', '203.0.113.9'), ['127.0.0.1']), '198.51.100.1');
  assert.equal(clientAddress(from('127.0.0.1', 'garbage'), ['127.0.0.1']), '127.0.0.1');
  assert.equal(clientAddress(from('127.0.0.1'), ['127.0.0.1']), '127.0.0.1');
});
