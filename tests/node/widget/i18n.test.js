import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

const i18nDir = new URL('../../../shared/i18n/', import.meta.url);
const locales = Object.fromEntries(
  readdirSync(i18nDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(name, i18nDir), 'utf8'))]),
);
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('zh-CN, zh-TW and en are shipped', () => {
  assert.deepEqual(Object.keys(locales).sort(), ['en', 'zh-CN', 'zh-TW']);
});

test('every locale translates every string, with the same placeholders', () => {
  const reference = locales.en;
  for (const [locale, strings] of Object.entries(locales)) {
    assert.deepEqual(Object.keys(strings).sort(), Object.keys(reference).sort(), `${locale} keys`);
    for (const [key, text] of Object.entries(strings)) {
      assert.equal(typeof text, 'string', `${locale} ${key}`);
      assert.ok(text.trim().length > 0, `${locale} ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(reference[key]), `${locale} ${key} placeholders`);
    }
  }
});

test('the Chinese locales are translated, not copies of English', () => {
  for (const locale of ['zh-CN', 'zh-TW']) {
    for (const [key, text] of Object.entries(locales[locale])) {
      assert.match(text, /\p{Script=Han}/u, `${locale} ${key} has no Chinese`);
    }
  }
  const differing = Object.keys(locales['zh-CN']).filter((key) => locales['zh-CN'][key] !== locales['zh-TW'][key]);
  assert.ok(differing.length > Object.keys(locales['zh-CN']).length / 2, 'zh-TW should use traditional forms');
});
