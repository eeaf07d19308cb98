import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRINGS, Translator } from '../../../web/widget/translator.js';

const widgetDir = fileURLToPath(new URL('../../../web/widget/', import.meta.url));
const sources = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.js') ? [readFileSync(path, 'utf8')] : [];
  });
const code = sources(widgetDir).join('\n');

// Keys built from a value at run time, with every value the view can hold.
const DYNAMIC_KEYS = {
  'author.${message.author}': ['visitor', 'bot', 'agent', 'system'].map((a) => `author.${a}`),
  'delivery.${message.delivery}': ['pending', 'sent', 'delivered', 'read', 'failed'].map((d) => `delivery.${d}`),
  'prechat.${name}': ['name', 'email', 'phone'].map((f) => `prechat.${f}`),
};

test('every string the widget shows exists in zh-CN, zh-TW and en', () => {
  const literal = [...code.matchAll(/\bt\('([a-zA-Z.]+)'/g)].map((m) => m[1]);
  const templated = [...code.matchAll(/\bt\(`([^`]+)`/g)].map((m) => m[1]);
  assert.ok(literal.length > 30, `found only ${literal.length} literal keys: the scan is broken`);
  for (const template of templated) assert.ok(template in DYNAMIC_KEYS, `a key built at run time that this test does not know: ${template}`);
  const used = new Set([...literal, ...templated.flatMap((template) => DYNAMIC_KEYS[template])]);
  for (const [locale, strings] of Object.entries(STRINGS)) {
    for (const key of used) assert.equal(typeof strings[key], 'string', `${locale} lacks "${key}"`);
  }
});

test('the locale comes from boot, else the browser; placeholders are filled', () => {
  assert.equal(new Translator('zh-HK').locale, 'zh-TW');
  assert.equal(new Translator('zh').locale, 'zh-CN');
  assert.equal(new Translator('fr-FR').locale, 'en');
  assert.equal(new Translator('en').t('queue.position', { position: 3 }), 'You are number 3 in line');
  assert.equal(new Translator('zh-CN').t('agent.typing', { name: '小李' }), '小李 正在输入…');
  assert.equal(new Translator('en').t('no.such.key'), 'no.such.key');
});
