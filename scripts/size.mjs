#!/usr/bin/env node
// Prints the size of every file a website downloads: raw, gzip -9 and brotli -11.
//   npm run size            a table
//   npm run size -- --json  {"files": {path: {raw, gzip, brotli}}, "totalGzip": n, "totalBrotli": n,
//                            "beforePanelUsable": {gzip, brotli}}
//   npm run size -- --faq-delta [--json]
//                           what the FAQ engine adds to the core: builds the release core
//                           and a core without the engine (wasm/CMakeLists.txt,
//                           kefu-core-without-faq, never shipped) and compares their gzip
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CORE_FILES, FAQ_DELTA_TARGET_GZIP, LOADER_FILE, SIZE_BUDGETS, SNIPPET_FILE, WIDGET_FILES, repoRoot, shippedFiles } from './shipped-files.mjs';

export function measure(files = shippedFiles()) {
  const report = { files: {}, totalGzip: 0, totalBrotli: 0 };
  for (const file of files) {
    const path = `${repoRoot}${file}`;
    if (!existsSync(path)) throw new Error(`${file} is missing: run npm run build first`);
    const bytes = readFileSync(path);
    const sizes = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
    report.files[file] = sizes;
    report.totalGzip += sizes.gzip;
    report.totalBrotli += sizes.brotli;
  }
  return report;
}

// What a visitor's browser downloads between the page and a panel that answers: the
// loader, the widget and the core (the inline snippet is part of the page, and the CSS
// file is fetched only by engines without constructable stylesheets). The server sends
// each brotli-compressed (scripts/bundle.mjs precompresses them at quality 11).
export const BEFORE_PANEL_USABLE = [LOADER_FILE, WIDGET_FILES[0], ...CORE_FILES];

export function beforePanelUsable(report) {
  const sum = (key) => BEFORE_PANEL_USABLE.reduce((total, file) => total + report.files[file][key], 0);
  return { gzip: sum('gzip'), brotli: sum('brotli') };
}

const WITHOUT_FAQ_DIR = 'build/wasm/wasm/without-faq';
const WITHOUT_FAQ_FILES = ['kefu-core-without-faq.mjs', 'kefu-core-without-faq.wasm'].map((name) => `${WITHOUT_FAQ_DIR}/${name}`);

// Both cores are (re)built from the current sources first, so the two figures always
// describe the same tree.
export function measureFaqDelta() {
  if (!existsSync(`${repoRoot}build/wasm/CMakeCache.txt`)) throw new Error('build/wasm is not configured: run npm run build first');
  const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };
  const built = spawnSync('cmake', ['--build', `${repoRoot}build/wasm`, '--target', 'kefu-core', 'kefu-core-without-faq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('building kefu-core and kefu-core-without-faq failed');
  const gzipOf = (files) => Object.values(measure(files).files).reduce((sum, sizes) => sum + sizes.gzip, 0);
  const withFaq = gzipOf(CORE_FILES);
  const withoutFaq = gzipOf(WITHOUT_FAQ_FILES);
  return { withFaqGzip: withFaq, withoutFaqGzip: withoutFaq, faqDeltaGzip: withFaq - withoutFaq, targetGzip: FAQ_DELTA_TARGET_GZIP };
}

function printFaqDelta(json) {
  const delta = measureFaqDelta();
  if (json) {
    console.log(JSON.stringify(delta));
    return;
  }
  const line = (label, bytes) => console.log(`${label.padEnd(40)}${String(bytes).padStart(9)} B${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  line('core js+wasm gzip, shipped', delta.withFaqGzip);
  line('core js+wasm gzip, without FAQ engine', delta.withoutFaqGzip);
  line('FAQ engine adds', delta.faqDeltaGzip);
  console.log(`target ${(delta.targetGzip / 1024).toFixed(1)} KiB: ${delta.faqDeltaGzip <= delta.targetGzip ? 'ok' : 'OVER'}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--faq-delta')) {
    printFaqDelta(process.argv.includes('--json'));
    process.exit(0);
  }
  const report = measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...report, beforePanelUsable: beforePanelUsable(report) }));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
    console.log(`${'file'.padEnd(36)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`);
    for (const [file, s] of Object.entries(report.files)) console.log(`${file.padEnd(36)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
    console.log(`${'total'.padEnd(46)}${kb(report.totalGzip)}${kb(report.totalBrotli)}`);
    const usable = beforePanelUsable(report);
    console.log(`${'before the panel is usable'.padEnd(46)}${kb(usable.gzip)}${kb(usable.brotli)}  (loader, widget js, core js+wasm; + knowledge base)`);
    // The same budgets npm test enforces (tests/node/shipped-code.test.js, tests/node/widget/widget-bundle.test.js).
    const gzipOf = (files) => files.reduce((sum, file) => sum + report.files[file].gzip, 0);
    for (const [name, files, budget] of [
      ['snippet', [SNIPPET_FILE], SIZE_BUDGETS.snippetGzip],
      ['loader', [LOADER_FILE], SIZE_BUDGETS.loaderGzip],
      ['widget js', [WIDGET_FILES[0]], SIZE_BUDGETS.widgetGzip],
      ['core js+wasm', CORE_FILES, SIZE_BUDGETS.coreGzip],
    ]) {
      const used = gzipOf(files);
      console.log(`budget ${name.padEnd(14)}${kb(used)} of${kb(budget)}  ${used <= budget ? 'ok' : 'OVER'}`);
    }
  }
}
