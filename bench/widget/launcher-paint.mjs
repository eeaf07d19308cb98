#!/usr/bin/env node
// npm run bench:launcher [-- --runs N]
// Time from the embedding code starting to the launcher painted, in headless Chromium on
// localhost: median of N page loads (default 10), each in a fresh browser context so
// nothing is cached.
//
// "Painted" is when the main thread has produced the frame that contains the launcher:
// a message posted from the first animation frame after the element enters the page
// runs once that frame's style, layout, paint and commit are done. The older reading,
// the second animation frame, is printed beside it; it waits for the next vsync, so it
// is up to one frame interval (16.7 ms) later than the paint it stands for.
//
// Three ways onto the page, interleaved so all see the same machine load:
// - snippet: the documented snippet (dist/kefu-snippet.js inline, then the async loader);
//   the launcher is painted by the inline code. This is the figure.
// - loader: the loader alone, booted from its data attributes, as a strict-CSP page that
//   does not allow the snippet by hash embeds it; the launcher waits for its request.
// - floor: an async script of one line that only inserts the element: no loader could
//   be faster than this on the loader path.
// All come from this file's own HTTP server with no Playwright routing: a routed context
// sends every request, the page included, through the Node process and back.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { measure } from '../../scripts/size.mjs';
import { CORE_FILES, LOADER_FILE, SIZE_BUDGETS, SNIPPET_FILE, WIDGET_FILES, repoRoot } from '../../scripts/shipped-files.mjs';
import { launchChromium } from '../../tests/browser/chromium.js';

// The target for snippet → launcher painted, median, headless Chromium on localhost.
const LAUNCHER_PAINT_BUDGET_MS = 50;
const SNIPPET = readFileSync(`${repoRoot}${SNIPPET_FILE}`, 'utf8');
const EMBEDDINGS = {
  snippet: `<script>${SNIPPET}\nKefu('boot', { siteId: 'demo', locale: 'zh-CN' });</script>\n<script async src="/snippet/kefu-loader.js"></script>`,
  loader: '<script async src="/loader/kefu-loader.js" data-site-id="demo" data-locale="zh-CN"></script>',
  floor: '<script async src="/floor/kefu-loader.js"></script>',
};
const LOADER = readFileSync(`${repoRoot}${LOADER_FILE}`);
const SCRIPTS = {
  snippet: LOADER,
  loader: LOADER,
  floor: "document.body.append(document.createElement('kefu-chat'));",
};
const PROBE_PAGE = readFileSync(new URL('paint-probe.html', import.meta.url), 'utf8');

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;

// /snippet/, /loader/ and /floor/ each hold the probe page and its kefu-loader.js. The widget the
// loader fetches on idle is never answered: only the launcher is measured, and the
// widget's download and compile would land in the middle of some runs and not others.
const heldRequests = new Set();
const server = createServer((request, response) => {
  const [, kind, file] = new URL(request.url, 'http://localhost').pathname.split('/');
  if (!(kind in SCRIPTS)) return response.writeHead(404).end();
  if (file === 'paint-probe.html') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return response.end(PROBE_PAGE.replace(/<!--embedding:.*?-->/, EMBEDDINGS[kind]));
  }
  if (file === 'kefu-loader.js') {
    response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    return response.end(SCRIPTS[kind]);
  }
  heldRequests.add(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await launchChromium();
const kinds = Object.keys(EMBEDDINGS);
const samples = Object.fromEntries(kinds.map((kind) => [kind, []]));
for (let i = 0; i < runs * kinds.length; i += 1) {
  const kind = kinds[i % kinds.length]; // interleaved, so all see the same machine load
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/${kind}/paint-probe.html`);
  await page.waitForFunction(() => window.kefuPaint && window.kefuNextFrame);
  samples[kind].push(
    await page.evaluate(() => ({
      inDom: window.kefuInDom,
      painted: window.kefuPaint,
      nextFrame: window.kefuNextFrame,
      // The host page's own first paint, relative to the snippet: the launcher cannot
      // be on screen before the page is.
      pageFirstPaint: (performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN) - window.kefuSnippetAt,
    })),
  );
  await context.close();
}
await browser.close();
for (const response of heldRequests) response.destroy();
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Math.round((sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2) * 10) / 10;
}
const medianOf = (kind, field) => median(samples[kind].map((sample) => sample[field]));
const paintMedian = medianOf('snippet', 'painted');
const gzip = (files) => measure(files).totalGzip;
console.log(
  JSON.stringify({
    runs,
    // Other work on the machine slows Chromium down; the figure is only comparable at low load.
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    launcherPaintMedianMs: paintMedian,
    launcherPaintBudgetMs: LAUNCHER_PAINT_BUDGET_MS,
    launcherPaintWithinBudget: paintMedian <= LAUNCHER_PAINT_BUDGET_MS,
    launcherNextFrameMedianMs: medianOf('snippet', 'nextFrame'),
    launcherInDomMedianMs: medianOf('snippet', 'inDom'),
    pageFirstPaintMedianMs: medianOf('snippet', 'pageFirstPaint'),
    paintedAfterPageFirstPaintMedianMs: median(samples.snippet.map((s) => Math.max(0, s.painted - s.pageFirstPaint))),
    loaderOnlyPaintMedianMs: medianOf('loader', 'painted'),
    loaderOnlyInDomMedianMs: medianOf('loader', 'inDom'),
    floorPaintMedianMs: medianOf('floor', 'painted'),
    floorInDomMedianMs: medianOf('floor', 'inDom'),
    snippetGzip: gzip([SNIPPET_FILE]),
    snippetGzipBudget: SIZE_BUDGETS.snippetGzip,
    loaderGzip: gzip([LOADER_FILE]),
    loaderGzipBudget: SIZE_BUDGETS.loaderGzip,
    widgetGzip: gzip([WIDGET_FILES[0]]),
    widgetGzipBudget: SIZE_BUDGETS.widgetGzip,
    coreGzip: gzip(CORE_FILES),
    coreGzipBudget: SIZE_BUDGETS.coreGzip,
  }),
);
