import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { measure } from '../../scripts/size.mjs';
import { CORE_FILES, LOADER_FILE, SIZE_BUDGETS, SNIPPET_FILE, repoRoot, shippedFiles } from '../../scripts/shipped-files.mjs';

// `new Function(...)`, `Function(...)` and `eval(...)` are blocked by a CSP without
// 'unsafe-eval'; the widget must run on such host pages. Names that merely end in
// "Function(" (createNamedFunction) are fine, hence the look-behind.
const DYNAMIC_CODE = /(?<![\w$])(?:Function|eval)\s*\(/;

test('no shipped JS file evaluates strings as code', () => {
  const jsFiles = shippedFiles().filter((file) => /\.m?js$/.test(file));
  assert.ok(jsFiles.length > 0);
  for (const file of jsFiles) {
    const text = readFileSync(`${repoRoot}${file}`, 'utf8');
    const found = text.match(DYNAMIC_CODE);
    assert.equal(found, null, `${file} contains "${found?.[0]}" near: ${found ? text.slice(Math.max(0, found.index - 60), found.index + 40) : ''}`);
  }
});

test('the CSP guard recognises what it must reject', () => {
  for (const bad of ['new Function("a", "b")', 'x = Function("return this")()', 'eval("1")', 'window.eval (code)']) {
    assert.match(bad, DYNAMIC_CODE, bad);
  }
  for (const fine of ['createNamedFunction(name)', 'isFunction(x)', 'evaluate(x)', 'typeof Function']) {
    assert.doesNotMatch(fine, DYNAMIC_CODE, fine);
  }
});

test(`the shipped core (js + wasm) is within ${SIZE_BUDGETS.coreGzip / 1024} KB gzip`, () => {
  const report = measure(CORE_FILES);
  assert.ok(report.totalGzip > 10_000, 'the core files look empty');
  assert.ok(report.totalGzip <= SIZE_BUDGETS.coreGzip, `core is ${report.totalGzip} bytes gzip; budget ${SIZE_BUDGETS.coreGzip}`);
});

test(`the script-tag loader is within ${SIZE_BUDGETS.loaderGzip} bytes gzip`, () => {
  const { totalGzip } = measure([LOADER_FILE]);
  assert.ok(totalGzip > 500, 'the loader looks empty');
  assert.ok(totalGzip <= SIZE_BUDGETS.loaderGzip, `loader is ${totalGzip} bytes gzip; budget ${SIZE_BUDGETS.loaderGzip}`);
});

test(`the inline snippet is within ${SIZE_BUDGETS.snippetGzip} bytes gzip and paints nothing before boot`, async () => {
  const { totalGzip } = measure([SNIPPET_FILE]);
  assert.ok(totalGzip > 300, 'the snippet looks empty');
  assert.ok(totalGzip <= SIZE_BUDGETS.snippetGzip, `snippet is ${totalGzip} bytes gzip; budget ${SIZE_BUDGETS.snippetGzip}`);
  // Its queue is the loader's input: calls keep their order and arguments.
  const window = {};
  const document = { currentScript: null };
  new Function('window', 'document', readFileSync(`${repoRoot}${SNIPPET_FILE}`, 'utf8'))(window, document);
  window.Kefu('on', 'ready', 1);
  window.Kefu('send', 'hi');
  assert.deepEqual(window.Kefu.q.map((args) => [...args]), [['on', 'ready', 1], ['send', 'hi']]);
  assert.equal(window.Kefu.l, undefined);
});
