import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveEndpoints } from '../../../web/widget/endpoints.js';
import { themeCss } from '../../../web/widget/theme.js';
import { WakeTimer } from '../../../web/widget/wake-timer.js';

test('the loader’s URL locates the core; the server URL locates the knowledge base', () => {
  const endpoints = resolveEndpoints({ siteId: 'acme', serverUrl: 'wss://chat.example.com/ws', assetBase: 'https://cdn.example.com/kefu/kefu-loader.js' }, 'https://shop.example.com/');
  assert.deepEqual(endpoints, {
    serverUrl: 'wss://chat.example.com/ws',
    httpOrigin: 'https://chat.example.com',
    moduleUrl: 'https://cdn.example.com/kefu/kefu-core.mjs',
    wasmUrl: 'https://cdn.example.com/kefu/kefu-core.wasm',
    stylesheetUrl: 'https://cdn.example.com/kefu/kefu-widget.css',
    httpOrigin: 'https://chat.example.com',
    profileUrl: 'https://chat.example.com/site/acme.json',
    knowledgeBaseUrl: 'https://chat.example.com/kb/acme.kfi',
    knowledgeVersionsUrl: 'https://chat.example.com/kb/acme/',
  });
});

test('without assetBase or serverUrl the page’s own server is assumed (ES module use)', () => {
  const endpoints = resolveEndpoints({ siteId: 'a b' }, 'http://127.0.0.1:8080/shop/');
  assert.equal(endpoints.serverUrl, 'ws://127.0.0.1:8080/ws');
  assert.equal(endpoints.moduleUrl, 'http://127.0.0.1:8080/kefu/kefu-core.mjs');
  assert.equal(endpoints.knowledgeBaseUrl, 'http://127.0.0.1:8080/kb/a%20b.kfi');
});

test('a page that brings its own knowledge base gets no server versions for it', () => {
  const endpoints = resolveEndpoints({ siteId: 'acme', knowledgeBaseUrl: 'https://shop.example.com/faq.json' }, 'https://shop.example.com/');
  assert.equal(endpoints.knowledgeBaseUrl, 'https://shop.example.com/faq.json');
  assert.equal(endpoints.knowledgeVersionsUrl, null);
});

test('a theme becomes custom properties; a value that could escape the rule is dropped', () => {
  assert.equal(themeCss({ accent: '#07c160', panelBg: 'rgb(1, 2, 3)' }), '\n:host{--kefu-accent:#07c160;--kefu-panel-bg:rgb(1, 2, 3)}');
  assert.equal(themeCss({ accent: 'red;} body{display:none' }), '');
  assert.equal(themeCss({ 'x;y': 'red' }), '');
  assert.equal(themeCss(undefined), '');
});

test('one wake-up timer: a newer wake replaces the older, 0 cancels', () => {
  const scheduled = [];
  const clock = { now: () => 1000, setTimeout: (f, ms) => scheduled.push({ f, ms, live: true }) - 1, clearTimeout: (h) => (scheduled[h].live = false) };
  let woke = 0;
  const timer = new WakeTimer(() => (woke += 1), clock);
  timer.set(5000);
  timer.set(1500);
  assert.deepEqual(scheduled.map((s) => [s.ms, s.live]), [[4000, false], [500, true]]);
  timer.set(0);
  assert.equal(scheduled[1].live, false);
  assert.equal(timer.pending, false);
  timer.set(10 ** 13);
  assert.equal(scheduled[2].ms, 2 ** 31 - 1, 'clamped: setTimeout would fire at once past 2^31-1 ms');
  scheduled[2].f();
  assert.equal(woke, 1);
});
