import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRichText, isSafeHref } from '../../../web/widget/rich-text.js';

test('plain text stays one text token, markup characters included', () => {
  assert.deepEqual(parseRichText('<b>hi</b> & <script>alert(1)</script>'), [{ type: 'text', text: '<b>hi</b> & <script>alert(1)</script>' }]);
});

test('line breaks, bold and links become their tokens', () => {
  assert.deepEqual(parseRichText('第一行\n**重要** see [help](https://example.com/help?a=1)'), [
    { type: 'text', text: '第一行' },
    { type: 'break' },
    { type: 'bold', text: '重要' },
    { type: 'text', text: ' see ' },
    { type: 'link', text: 'help', href: 'https://example.com/help?a=1' },
  ]);
});

test('bare http(s) URLs become links without the sentence punctuation after them', () => {
  assert.deepEqual(parseRichText('Go to https://example.com/a. Then call.'), [
    { type: 'text', text: 'Go to ' },
    { type: 'link', text: 'https://example.com/a', href: 'https://example.com/a' },
    { type: 'text', text: '. Then call.' },
  ]);
  assert.deepEqual(parseRichText('访问https://example.com，谢谢')[1], { type: 'link', text: 'https://example.com', href: 'https://example.com' });
});

test('mailto and tel links are allowed', () => {
  assert.equal(parseRichText('[mail](mailto:help@example.com)')[0].type, 'link');
  assert.equal(parseRichText('[call](tel:+86-10-1234-5678)')[0].type, 'link');
});

const HOSTILE_TARGETS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'javascript&#58;alert(1)',
  'javascript&colon;alert(1)',
  '&#106;avascript:alert(1)',
  'java%0ascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  '//evil.example/x',
  '/relative/path',
  'https://exa mple.com',
  'https://example.com/"onmouseover="alert(1)',
];

test('hostile link targets are rendered as inert text', () => {
  for (const target of HOSTILE_TARGETS) {
    assert.equal(isSafeHref(target), false, target);
    const tokens = parseRichText(`[click](${target})`);
    assert.ok(tokens.every((token) => token.type !== 'link' || isSafeHref(token.href)), target);
    assert.ok(!tokens.some((token) => token.type === 'link' && !/^https?:|^mailto:|^tel:/i.test(token.href)), target);
  }
});

test('an attribute breakout in a URL ends the link before the quote', () => {
  const tokens = parseRichText('https://example.com/"><img src=x onerror=alert(1)>');
  assert.deepEqual(tokens[0], { type: 'link', text: 'https://example.com/', href: 'https://example.com/' });
  assert.equal(tokens[1].type, 'text');
});

test('non-string input is treated as text', () => {
  assert.deepEqual(parseRichText(undefined), []);
  assert.deepEqual(parseRichText(42), [{ type: 'text', text: '42' }]);
});
