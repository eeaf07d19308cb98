#!/usr/bin/env node
// Prints the size of every file a website downloads: raw, gzip -9 and brotli -11.
//   npm run size            a table
//   npm run size -- --json  {"files": {path: {raw, gzip, brotli}}, "totalGzip": n}
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CORE_FILES, LOADER_FILE, SIZE_BUDGETS, WIDGET_FILES, repoRoot, shippedFiles } from './shipped-files.mjs';

export function measure(files = shippedFiles()) {
  const report = { files: {}, totalGzip: 0 };
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
  }
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(report));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
    console.log(`${'file'.padEnd(36)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`);
    for (const [file, s] of Object.entries(report.files)) console.log(`${file.padEnd(36)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
    console.log(`${'total gzip'.padEnd(46)}${kb(report.totalGzip)}`);
    // The same budgets npm test enforces (tests/node/shipped-code.test.js, tests/node/widget/widget-bundle.test.js).
    const gzipOf = (files) => files.reduce((sum, file) => sum + report.files[file].gzip, 0);
    for (const [name, files, budget] of [
      ['loader', [LOADER_FILE], SIZE_BUDGETS.loaderGzip],
      ['widget js', [WIDGET_FILES[0]], SIZE_BUDGETS.widgetGzip],
      ['core js+wasm', CORE_FILES, SIZE_BUDGETS.coreGzip],
    ]) {
      const used = gzipOf(files);
      console.log(`budget ${name.padEnd(14)}${kb(used)} of${kb(budget)}  ${used <= budget ? 'ok' : 'OVER'}`);
    }
  }
}
