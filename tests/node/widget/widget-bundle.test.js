import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { measure } from '../../../scripts/size.mjs';
import { SIZE_BUDGETS, WIDGET_FILES, repoRoot } from '../../../scripts/shipped-files.mjs';

const [WIDGET_JS] = WIDGET_FILES;

test(`the widget bundle is within ${SIZE_BUDGETS.widgetGzip / 1024} KB gzip`, () => {
  const { totalGzip } = measure([WIDGET_JS]);
  assert.ok(totalGzip > 5_000, 'the widget bundle looks empty');
  assert.ok(totalGzip <= SIZE_BUDGETS.widgetGzip, `widget is ${totalGzip} bytes gzip; budget ${SIZE_BUDGETS.widgetGzip}`);
});

// What a strict-CSP page or an XSS review would reject, in the code as shipped.
const FORBIDDEN = [
  [/\.(?:innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write/, 'HTML parsing of strings'],
  [/setAttribute\(\s*["']style["']|\.style\.(?:cssText|setProperty)|\.style\[/, 'an inline style attribute'],
];

test('the shipped widget never parses strings as HTML and never writes a style attribute', () => {
  const text = readFileSync(`${repoRoot}${WIDGET_JS}`, 'utf8');
  for (const [pattern, what] of FORBIDDEN) {
    const found = text.match(pattern);
    assert.equal(found, null, `${WIDGET_JS} has ${what}: ${found ? text.slice(Math.max(0, found.index - 60), found.index + 40) : ''}`);
  }
});

test('the guard above recognises what it must reject', () => {
  for (const bad of ['el.innerHTML = x', 'n.insertAdjacentHTML("beforeend", s)', 'b.setAttribute("style", "x")', 'e.style.setProperty("--a", 1)', 'e.style.cssText = ""']) {
    assert.ok(FORBIDDEN.some(([pattern]) => pattern.test(bad)), bad);
  }
  assert.ok(!FORBIDDEN.some(([pattern]) => pattern.test('node.textContent = text; styleSheet.replaceSync(css)')));
});
