// The server's protocol validator against the shared fixtures, both directions: the
// server checks what visitors send, and the tests check what the server sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFrame, PROTOCOL_LIMITS } from '../../server/protocol/frame-validator.js';

const fixtures = JSON.parse(readFileSync(new URL('../../shared/protocol/fixtures.json', import.meta.url), 'utf8'));

test('every valid fixture parses in its direction', () => {
  for (const { name, direction, frame } of fixtures.valid) {
    assert.deepEqual(parseFrame(JSON.stringify(frame), direction), { frame }, name);
  }
});

test('every invalid fixture is rejected with its documented code', () => {
  for (const { name, direction, text, error } of fixtures.invalid) {
    assert.equal(parseFrame(text, direction).error?.code, error, name);
  }
});

test('a valid frame sent the wrong way is an unknown type', () => {
  const welcome = fixtures.valid.find((f) => f.frame.type === 'welcome').frame;
  assert.equal(parseFrame(JSON.stringify(welcome), 'toServer').error.code, 'frame_unknown_type');
});

test('text is counted in code points, not UTF-16 units or bytes', () => {
  const frame = (text) => JSON.stringify({ type: 'message', cmid: 'c', cseq: 1, text, clientTime: 1 });
  const limits = { ...PROTOCOL_LIMITS, maxTextChars: 3 };
  assert.ok(parseFrame(frame('😀😀😀'), 'toServer', limits).frame, 'three astral characters are three');
  assert.equal(parseFrame(frame('😀😀😀😀'), 'toServer', limits).error.code, 'frame_invalid');
});

test('numbers must be whole and at most 2^53 - 1; the depth scan ignores brackets in strings', () => {
  const ping = (t) => `{"type":"ping","t":${t}}`;
  assert.ok(parseFrame(ping(2 ** 53 - 1), 'toServer').frame);
  assert.equal(parseFrame(ping(2 ** 53), 'toServer').error.code, 'frame_invalid');
  assert.equal(parseFrame(ping(-1), 'toServer').error.code, 'frame_invalid');
  const bracketText = JSON.stringify({ type: 'message', cmid: 'c', cseq: 1, text: '['.repeat(100), clientTime: 1 });
  assert.ok(parseFrame(bracketText, 'toServer').frame);
});
