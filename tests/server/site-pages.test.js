// The demo website, its English twin and the WeChat-style page as the server serves
// them: strict CSP, the widget snippet by data attributes only, and no CSP violation
// or script error in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, watchPage } from '../browser/chromium.js';
import { startTestServer } from './helpers/running-server.js';
import { STRICT_CSP } from '../../server/http/site-routes.js';

const PAGES = [['/', 'zh-CN'], ['/en/', 'en'], ['/wechat/', 'zh-CN']];
let server;
let browser;
before(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  server?.removeData();
});

test('each demo page is served with the strict CSP and embeds the loader by data attributes, without inline script or style', async () => {
  for (const [path, locale] of PAGES) {
    const response = await fetch(server.httpUrl + path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-security-policy'), STRICT_CSP);
    const html = await response.text();
    assert.match(html, new RegExp(`<script async src="/kefu/kefu-loader.js" data-site-id="demo" data-server-url="/ws" data-locale="${locale}"></script>`), path);
    assert.doesNotMatch(html, /<script>|<script type="module">|style=|<style/, path);
  }
});

test('the shipped files and the knowledge base are served with the MIME types browsers need', async () => {
  const wasm = await fetch(`${server.httpUrl}/kefu/kefu-core.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(`${server.httpUrl}/kefu/kefu-core.mjs`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
  const kb = await fetch(`${server.httpUrl}/kb/demo.json`);
  assert.equal(kb.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.ok((await kb.json()).faqs.length >= 40);
  assert.equal((await fetch(`${server.httpUrl}/kb/nope.json`)).status, 404);
  for (const escape of ['/kefu/..%2f..%2fpackage.json', '/kefu/%2e%2e/package.json', '/console/..%2F..%2Fconfig.js', '/..%2f.git/config']) {
    assert.equal((await fetch(server.httpUrl + escape)).status, 404, escape);
  }
});

test('in Chromium the pages load the loader with no CSP violation or script error', async () => {
  for (const [path] of PAGES) {
    const page = await browser.newPage();
    const problems = await watchPage(page);
    await page.goto(server.httpUrl + path);
    await page.waitForFunction(() => typeof window.Kefu === 'function');
    // The widget bundle may load on idle; give it the moment it takes.
    await page.waitForTimeout(300);
    assert.deepEqual(problems, [], path);
    await page.close();
  }
});
