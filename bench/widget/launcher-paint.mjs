#!/usr/bin/env node
// Time from the snippet running to the launcher painted, in headless Chromium on
// localhost: median of N page loads (default 10), each in a fresh browser context so
// nothing is cached. "Painted" = the second animation frame after the launcher
// element enters the page, i.e. a frame that contains it has been produced.
// The floor, measured alongside: the same page whose loader is replaced by one line that
// only inserts the element. Both scripts are served through the same route, so the
// difference is what our loader itself costs.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { measure } from '../../scripts/size.mjs';
import { CORE_FILES, LOADER_FILE, SIZE_BUDGETS, WIDGET_FILES, repoRoot } from '../../scripts/shipped-files.mjs';
import { launchChromium } from '../../tests/browser/chromium.js';

// The target for snippet → launcher painted, median, headless Chromium on localhost.
const LAUNCHER_PAINT_BUDGET_MS = 50;
const SCRIPTS = {
  loader: readFileSync(`${repoRoot}${LOADER_FILE}`),
  floor: "document.body.append(document.createElement('kefu-chat'));",
};

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const server = await startStaticServer();
const browser = await launchChromium();
const samples = { loader: [], floor: [] };
for (let i = 0; i < runs * 2; i += 1) {
  const kind = i % 2 ? 'floor' : 'loader'; // interleaved, so both see the same machine load
  const context = await browser.newContext();
  await context.route('**/dist/kefu-loader.js', (route) => route.fulfill({ contentType: 'text/javascript', body: SCRIPTS[kind] }));
  // Only the launcher is measured; the idle-time widget load would just add noise.
  await context.route('**/dist/kefu-widget.js', (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${server.url}/examples/host-pages/no-csp/paint-probe.html`);
  await page.waitForFunction(() => window.kefuPaint);
  samples[kind].push(
    await page.evaluate(() => ({
      inDom: window.kefuInDom,
      painted: window.kefuPaint,
      // The host page's own first paint, relative to the snippet: the launcher cannot
      // be on screen before the page is.
      pageFirstPaint: (performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN) - window.kefuSnippetAt,
    })),
  );
  await context.close();
}
await browser.close();
await server.close();

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Math.round((sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2) * 10) / 10;
}
const paintMedian = median(samples.loader.map((s) => s.painted));
const floorMedian = median(samples.floor.map((s) => s.painted));
const gzip = (files) => measure(files).totalGzip;
console.log(
  JSON.stringify({
    runs,
    // Other work on the machine slows Chromium down; the figure is only comparable at low load.
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    launcherPaintMedianMs: paintMedian,
    launcherPaintBudgetMs: LAUNCHER_PAINT_BUDGET_MS,
    launcherPaintWithinBudget: paintMedian <= LAUNCHER_PAINT_BUDGET_MS,
    floorPaintMedianMs: floorMedian,
    loaderCostMedianMs: Math.round((paintMedian - floorMedian) * 10) / 10,
    launcherInDomMedianMs: median(samples.loader.map((s) => s.inDom)),
    floorInDomMedianMs: median(samples.floor.map((s) => s.inDom)),
    pageFirstPaintMedianMs: median(samples.loader.map((s) => s.pageFirstPaint)),
    paintedAfterPageFirstPaintMedianMs: median(samples.loader.map((s) => Math.max(0, s.painted - s.pageFirstPaint))),
    loaderGzip: gzip([LOADER_FILE]),
    loaderGzipBudget: SIZE_BUDGETS.loaderGzip,
    widgetGzip: gzip([WIDGET_FILES[0]]),
    widgetGzipBudget: SIZE_BUDGETS.widgetGzip,
    coreGzip: gzip(CORE_FILES),
    coreGzipBudget: SIZE_BUDGETS.coreGzip,
  }),
);
