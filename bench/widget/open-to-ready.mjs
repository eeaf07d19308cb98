#!/usr/bin/env node
// Time from the snippet running (with `open` queued) to the widget's `ready` event, in
// headless Chromium against the reference server on localhost: the loader, the widget,
// the wasm core's download and compile, the knowledge base and its index, storage and
// the tab lock. Median of N page loads (default 7), each in a fresh browser context.
//   node bench/widget/open-to-ready.mjs [--runs N]
import { loadavg } from 'node:os';
import { launchChromium } from '../../tests/browser/chromium.js';
import { routeHostPage, startTestServer } from '../../tests/browser/kefu-server.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><script>
  window.Kefu = window.Kefu || function () { (Kefu.q = Kefu.q || []).push(arguments); };
  window.snippetAt = performance.now();
  Kefu('on', 'ready', function () { window.readyAt = performance.now(); });
  Kefu('boot', { siteId: 'demo', locale: 'zh-CN' });
  Kefu('open');
</script><script async src="/kefu/kefu-loader.js"></script></head><body></body></html>`;

const server = await startTestServer();
const browser = await launchChromium();
const samples = [];
for (let i = 0; i < runs; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(await routeHostPage(page, server.httpUrl, 'ready.html', PAGE, { csp: null }));
  await page.waitForFunction(() => window.readyAt, null, { timeout: 30_000 });
  samples.push(await page.evaluate(() => window.readyAt - window.snippetAt));
  await context.close();
}
await browser.close();
await server.close();

const sorted = samples.sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(
  JSON.stringify({
    runs,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    openToReadyMedianMs: Math.round(median),
    openToReadyMinMs: Math.round(sorted[0]),
    openToReadyMaxMs: Math.round(sorted.at(-1)),
  }),
);
