// The browser tests' world: the reference server (server) on a free port with
// a temporary data folder, agents always on duty, and host pages of our own served on
// the server's origin through Playwright routing, so each test picks its CSP and snippet.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { startKefuServer } from '../../server/server.js';
import { STRICT_CSP } from '../../scripts/static-server.mjs';
import { launchChromium } from './chromium.js';

export { STRICT_CSP };

/** @param {{site?: object, config?: object}} [overrides] the demo site's settings; other server settings */
export async function startTestServer({ site = {}, config = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-browser-'));
  const server = await startKefuServer({
    port: 0,
    dataDir,
    quiet: true,
    // businessHours null: always open, so a hand-off reaches the queue at any hour.
    config: { durability: 'committed', ...config, sites: { demo: { businessHours: null, ...site } } },
  });
  return {
    ...server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One server and one Chromium per test file. */
export function useKefuWorld(overrides) {
  const world = { server: null, browser: null };
  before(async () => {
    world.server = await startTestServer(overrides);
    world.browser = await launchChromium();
  });
  after(async () => {
    await world.browser?.close();
    await world.server?.close();
  });
  return world;
}

/**
 * Serves `html` at `${httpUrl}/test/${name}` for this page or context, with the strict
 * CSP unless `csp: null`.
 */
export async function routeHostPage(target, httpUrl, name, html, { csp = STRICT_CSP } = {}) {
  await target.route(`${httpUrl}/test/${name}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: csp ? { 'content-security-policy': csp } : {}, body: html }),
  );
  return `${httpUrl}/test/${name}`;
}

/** A page that boots Kefu from the loader's data attributes: no inline script at all. */
export function dataAttributePage({ locale = 'zh-CN', extra = '' } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ACME Store</title>
<script async src="/kefu/kefu-loader.js" data-site-id="demo" data-locale="${locale}" ${extra}></script></head>
<body><main><h1>ACME Store</h1><p>A host page under a strict Content-Security-Policy.</p></main></body></html>`;
}

// Inside the widget's shadow root, from the page.
export const inWidget = (selector) => `kefu-chat >> ${selector}`;

/** Resolves when the widget has drawn a conversation that is online. */
export function widgetOnline(page, timeout = 15_000) {
  return page.waitForSelector('kefu-chat >> .panel[data-connection=online]', { state: 'attached', timeout });
}

/** The visitor-visible texts of the conversation, as [author class, bubble text]. */
export function conversation(page) {
  return page.$$eval('kefu-chat >> .messages li.message', (items) => items.map((item) => [item.classList[1], item.querySelector('.bubble').textContent, item.querySelector('.delivery')?.dataset.delivery ?? null]));
}

export async function screenshot(page, name) {
  mkdirSync('test-results/screenshots', { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path });
  return path;
}

/**
 * The widget's /ws sockets in `context` through a switch, as a network drop: `cut()`
 * closes the open ones and refuses new ones until `restore()`; `sockets` are every one the
 * pages opened (refused ones too).
 * @param {import('playwright-core').BrowserContext} context
 */
export async function switchableServerLine(context) {
  let reachable = true;
  const sockets = [];
  await context.routeWebSocket(/\/ws$/, (socket) => {
    sockets.push(socket);
    if (reachable) socket.connectToServer();
    else socket.close();
  });
  return {
    sockets,
    async cut() {
      reachable = false;
      for (const socket of sockets) await socket.close();
    },
    restore() {
      reachable = true;
    },
  };
}
