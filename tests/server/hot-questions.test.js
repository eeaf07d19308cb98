import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charBigrams, groupHotQuestions, jaccard, normalizeQuestion } from '../../server/reports/hot-questions.js';

test('questions are compared without case, punctuation or spaces', () => {
  assert.equal(normalizeQuestion('How do I  export notes?'), 'howdoiexportnotes');
  assert.equal(normalizeQuestion('发票，怎么开？'), '发票怎么开');
  assert.equal(jaccard(charBigrams('发票怎么开？'), charBigrams('发票 怎么开')), 1);
});

test('rewordings group together at the threshold; unrelated questions sharing a word do not', () => {
  const groups = groupHotQuestions(
    [
      { text: 'Can I export notes to PDF?', at: 1 },
      { text: 'can i export my notes to pdf', at: 2 },
      { text: 'Is there a student discount?', at: 3 },
      { text: 'export notes to pdf', at: 4 },
      { text: '发票怎么开', at: 5 },
    ],
    { threshold: 0.5 },
  );
  assert.deepEqual(groups.map((g) => [g.question, g.count]), [['Can I export notes to PDF?', 3], ['发票怎么开', 1], ['Is there a student discount?', 1]]);
  assert.equal(groups[0].lastAskedAt, 4);
  assert.deepEqual(groups[0].examples, ['Can I export notes to PDF?', 'can i export my notes to pdf', 'export notes to pdf']);
});

test('the threshold decides: at 1.0 only identical normalized texts group', () => {
  const texts = ['发票怎么开', '发票怎么开？', '发票怎么开呀'].map((text) => ({ text }));
  assert.deepEqual(groupHotQuestions(texts, { threshold: 1 }).map((g) => g.count), [2, 1]);
  assert.deepEqual(groupHotQuestions(texts, { threshold: 0.5 }).map((g) => g.count), [3]);
});
