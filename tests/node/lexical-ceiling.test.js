// bench/faq/lexical-ceiling.mjs backs a claim in docs/perf/faq.md (how far word
// overlap can go on a dataset), so its bounds must hold on data whose answer we know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../bench/faq/lexical-ceiling.mjs', import.meta.url));

function ceilingOf(dataset) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-ceiling-'));
  try {
    const file = join(dir, 'set.json');
    writeFileSync(file, JSON.stringify(dataset));
    return JSON.parse(execFileSync(process.execPath, [script, file, '--json'], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const chinese = {
  faqs: [
    { id: 'refund', question: '怎么申请退款', similar: ['退款要多久到账'], answer: 'a' },
    { id: 'invoice', question: '如何开发票', similar: ['发票抬头写错了'], answer: 'b' },
    { id: 'password', question: '忘记密码怎么办', similar: ['密码重置'], answer: 'c' },
  ],
  queries: [
    { text: '申请退款', expect: 'refund' },
    { text: '开发票', expect: 'invoice' },
    { text: '密码忘了', expect: 'password' },
    // Shares no character with its FAQ: no lexical scorer can find it.
    { text: '钱能还给我吗', expect: 'refund' },
    { text: '天气怎么样', expect: null },
  ],
};

test('lexical ceiling: word-overlap queries are found, a paraphrase sharing nothing is not, and the bounds bound every scorer', () => {
  const summary = ceilingOf(chinese);
  assert.equal(summary.queries, 4, 'expect:null queries are left out');
  assert.ok(summary.scorers.length >= 8);
  for (const row of summary.scorers) {
    assert.ok(row.hit1 <= summary.anyScorerFirst, row.scorer);
    assert.ok(row.hit1 <= row.recall5 && row.recall5 <= row.recall50 && row.recall50 <= summary.inAnyTop50, row.scorer);
  }
  assert.equal(summary.anyScorerFirst, 0.75);
  assert.equal(summary.inAnyTop50, 0.75);
});

test('lexical ceiling: English datasets get word scorers', () => {
  const summary = ceilingOf({
    faqs: [
      { id: 'reset', question: 'how do I reset my password', answer: 'a' },
      { id: 'ship', question: 'when will my order ship', similar: ['shipping time'], answer: 'b' },
    ],
    queries: [{ text: 'password resetting', expect: 'reset' }, { text: 'shipped yet?', expect: 'ship' }],
  });
  assert.deepEqual(summary.scorers.map((row) => row.scorer).sort(), ['bm25 words', 'bm25 words + pairs', 'cosine words', 'cosine words + pairs']);
  assert.equal(summary.anyScorerFirst, 1);
});
