#!/usr/bin/env node
// Time from the snippet running to the launcher painted, in headless Chromium on
// localhost: median of N page loads (default 10), each in a fresh browser context so
// nothing is cached. "Painted" = the second animation frame after the launcher
// element enters the page, i.e. a frame that contains it has been produced.
import { loadavg } from 'node:os';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { measure } from '../../scripts/size.mjs';
import { CORE_FILES, LOADER_FILE, SIZE_BUDGETS, WIDGET_FILES } from '../../scripts/shipped-files.mjs';

// The target for snippet → launcher painted, median, headless Chromium on localhost.
const LAUNCHER_PAINT_BUDGET_MS = 50;
import { launchChromium } from '../../tests/browser/chromium.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const server = await startStaticServer();
const browser = await launchChromium();
const samples = [];
for (let i = 0; i < runs; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/examples/host-pages/no-csp/paint-probe.html`);
  await page.waitForFunction(() => window.kefuPaint);
  samples.push(
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
const paintMedian = median(samples.map((s) => s.painted));
const gzip = (files) => measure(files).totalGzip;
console.log(
  JSON.stringify({
    runs,
    // Other work on the machine slows Chromium down; the figure is only comparable at low load.
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    launcherPaintMedianMs: paintMedian,
    launcherPaintBudgetMs: LAUNCHER_PAINT_BUDGET_MS,
    launcherPaintWithinBudget: paintMedian <= LAUNCHER_PAINT_BUDGET_MS,
    loaderGzip: gzip([LOADER_FILE]),
    loaderGzipBudget: SIZE_BUDGETS.loaderGzip,
    widgetGzip: gzip([WIDGET_FILES[0]]),
    widgetGzipBudget: SIZE_BUDGETS.widgetGzip,
    coreGzip: gzip(CORE_FILES),
    coreGzipBudget: SIZE_BUDGETS.coreGzip,
    launcherInDomMedianMs: median(samples.map((s) => s.inDom)),
    pageFirstPaintMedianMs: median(samples.map((s) => s.pageFirstPaint)),
    paintedAfterPageFirstPaintMedianMs: median(samples.map((s) => Math.max(0, s.painted - s.pageFirstPaint))),
  }),
);
