// The widget embedded on a website of another origin, the way a company embeds it: the
// host pages are served by a second HTTP server and opened as http://localhost:<port>
// (another host name and port) while the chat server is http://127.0.0.1:<port>. No
// Playwright routing here: it would switch off the HTTP cache the repeat visit measures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { launchChromium, watchPage } from './chromium.js';
import { conversation, startTestServer, widgetOnline } from './kefu-server.js';
import { embedCode } from '../../scripts/snippet.mjs';
import { MIME_TYPES, REPO_ROOT } from '../../server/http/site-routes.js';

let host; // the company's website: {port, pages, close}
let chat; // the Kefu server
let browser;

/** The company's own web server: the test's pages, plus web/ and shared/ as a bundler would ship `kefu`. */
function startHostSite() {
  const pages = new Map();
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    if (pages.has(path)) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(pages.get(path));
      return;
    }
    const relative = normalize(decodeURIComponent(path)).replace(/^\/+/, '');
    if (!/^(web|shared)\//.test(relative) || relative.includes('..')) return response.writeHead(404).end();
    try {
      const body = await readFile(join(REPO_ROOT, relative));
      response.writeHead(200, { 'content-type': MIME_TYPES[extname(relative)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, pages, close: () => new Promise((done) => server.close(done)) })));
}

before(async () => {
  host = await startHostSite();
  chat = await startTestServer({ site: { allowedOrigins: [`http://localhost:${host.port}`] } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await chat?.close();
  await host?.close();
});

const allowedPage = (path) => `http://localhost:${host.port}${path}`;
const listeners = `<script>
  Kefu('on', 'ready', function (detail) { window.kefuReady = detail; });
  Kefu('on', 'error', function (error) { (window.kefuErrors = window.kefuErrors || []).push(error.code); });
</script>`;

// The README's embedding: the two tags `npm run snippet` prints, pointing at the chat server.
function snippetPage() {
  const code = embedCode({ siteId: 'demo', serverUrl: chat.wsUrl, locale: 'en', loaderUrl: `${chat.httpUrl}/kefu/kefu-loader.js` });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>${code}${listeners}</head><body><h1>Shop</h1></body></html>`;
}

async function chatOnce(page, question, answer) {
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.fill('kefu-chat >> textarea', question);
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached', timeout: 10_000 });
  await page.waitForSelector('kefu-chat >> .messages li.bot', { timeout: 10_000 });
  const messages = await conversation(page);
  assert.deepEqual(messages[0], ['visitor', question, 'delivered']);
  assert.match(messages[1][1], answer);
}

/** Every HTTP request that reached the chat server while `body` ran (not the socket's upgrade). */
async function requestsToChatServer(body) {
  const seen = [];
  const port = new URL(chat.httpUrl).port;
  const onRequest = ({ request, response }) => {
    if (String(request.socket.localPort) !== port) return;
    response.once('finish', () => seen.push({ path: request.url, status: response.statusCode, bytes: Number(response.getHeader('content-length') ?? 0), encoding: response.getHeader('content-encoding') ?? 'identity' }));
  };
  subscribe('http.server.request.start', onRequest);
  try {
    await body();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last 'finish' events
  } finally {
    unsubscribe('http.server.request.start', onRequest);
  }
  return seen;
}

test('README snippet on another origin: the widget loads from the chat server and chats; a repeat visit fetches only the loader and the KB pointer', async () => {
  host.pages.set('/snippet.html', snippetPage());
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  const firstVisit = await requestsToChatServer(async () => {
    await page.goto(allowedPage('/snippet.html'));
    await chatOnce(page, 'How do I get a refund?', /refund/i);
  });
  assert.deepEqual(await page.evaluate(() => window.kefuErrors), undefined);
  assert.deepEqual(problems, []);
  // What a visitor downloads before the panel is usable, as sent (brotli).
  const versioned = (path) => path.replace(/\/v\/[0-9a-f]+\//, '/v/<hash>/').replace(/\/kb\/demo\/[0-9a-f]{32}\./, '/kb/demo/<version>.');
  const sent = Object.fromEntries(firstVisit.map(({ path, bytes, encoding }) => [versioned(path), `${bytes} B ${encoding}`]));
  console.log(`# first visit from another origin: ${JSON.stringify(sent)}`);
  // The KB pointer is a redirect with no body; everything with one comes brotli-compressed.
  for (const { path, encoding, status } of firstVisit) if (status !== 302) assert.equal(encoding, 'br', `${path} is sent brotli-compressed`);
  // The bilingual demo KB: its trained index (the default texts) and its English texts beside it.
  assert.deepEqual(firstVisit.map(({ path }) => versioned(path)).sort(), [
    '/kb/demo.kfi',
    '/kb/demo/<version>.en.json',
    '/kb/demo/<version>.kfi',
    '/kefu/kefu-loader.js',
    '/kefu/v/<hash>/kefu-core.mjs',
    '/kefu/v/<hash>/kefu-core.wasm',
    '/kefu/v/<hash>/kefu-widget.js',
    '/site/demo.json?locale=en',
  ]);
  await page.close();

  // The same visitor comes back: everything but the loader is in the browser's cache.
  const again = await context.newPage();
  const repeatVisit = await requestsToChatServer(async () => {
    await again.goto(allowedPage('/snippet.html'));
    await again.click('kefu-chat >> button.launcher');
    await widgetOnline(again);
    await again.waitForFunction(() => window.kefuReady);
  });
  console.log(`# repeat visit: ${JSON.stringify(repeatVisit)}`);
  // The loader and the KB pointer (a redirect, asked on every page view so a new KB
  // version reaches the page; docs/server.md, "Knowledge bases"): nothing else.
  assert.deepEqual(repeatVisit.map(({ path }) => path).sort(), ['/kb/demo.kfi', '/kefu/kefu-loader.js']);
  assert.ok(repeatVisit[0].bytes <= 2048, 'the loader is at most 2 KB');
  await context.close();
});

test('data-attribute boot on another origin: the loader tag alone, under a CSP that names the chat server', async () => {
  const chatOrigin = chat.httpUrl;
  host.pages.set(
    '/data.html',
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Shop</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${chatOrigin} 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${chatOrigin} ${chat.wsUrl.replace(/\/ws$/, '')}">
<script async src="${chatOrigin}/kefu/kefu-loader.js" data-site-id="demo" data-server-url="${chat.wsUrl}" data-locale="zh-CN"></script></head><body><h1>Shop</h1></body></html>`,
  );
  const page = await browser.newPage();
  const problems = await watchPage(page);
  await page.goto(allowedPage('/data.html'));
  await chatOnce(page, '忘记密码了怎么办', /忘记密码/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('ES module on another origin: the page ships `kefu` itself, the core and KB come from the chat server', async () => {
  host.pages.set(
    '/esm.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title>
<script type="module">
  import { boot, on } from '/web/index.js';
  on('ready', (detail) => { window.kefuReady = detail; });
  on('error', (error) => { (window.kefuErrors = window.kefuErrors || []).push(error.code); });
  boot({ siteId: 'demo', locale: 'en', serverUrl: '${chat.wsUrl}' });
</script></head><body><h1>App</h1></body></html>`,
  );
  const page = await browser.newPage();
  const problems = await watchPage(page);
  await page.goto(allowedPage('/esm.html'));
  await chatOnce(page, 'How do I export my notes?', /export/i);
  assert.equal(await page.evaluate(() => window.kefuErrors), undefined);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an origin the site does not allow: one origin_not_allowed event, a message in the panel, and no second socket', async () => {
  host.pages.set('/snippet.html', snippetPage());
  const page = await browser.newPage();
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  // Same server, but http://127.0.0.1:<port> is not in the site's allowedOrigins.
  await page.goto(`http://127.0.0.1:${host.port}/snippet.html`);
  await page.click('kefu-chat >> button.launcher');
  await page.waitForSelector('kefu-chat >> .banner.refused', { timeout: 10_000 });
  assert.equal(await page.textContent('kefu-chat >> .banner.refused'), 'Chat is not available on this page.');
  // The core's first retry would come after about a second, the next after two.
  await page.waitForTimeout(4000);
  assert.deepEqual(await page.evaluate(() => window.kefuErrors), ['origin_not_allowed']);
  assert.equal(sockets.length, 1, `sockets opened: ${sockets.join(', ')}`);
  assert.equal(await page.isVisible('kefu-chat >> .banner.refused'), true);
  await page.close();
});
