import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charBigrams, jaccard, normalizeQuestion, QuestionGroups } from '../../server/reports/question-groups.js';

function groupAll(questions, { threshold = 0.5, maxGroups = 1000, maxChars = 200 } = {}) {
  const groups = new QuestionGroups({ threshold, maxGroups, maxChars });
  for (const question of questions) groups.file(question);
  return groups.page({ limit: 1000 }).groups;
}

test('questions are compared without case, punctuation or spaces', () => {
  assert.equal(normalizeQuestion('How do I  export notes?'), 'howdoiexportnotes');
  assert.equal(normalizeQuestion('发票，怎么开？'), '发票怎么开');
  assert.equal(jaccard(charBigrams('发票怎么开？'), charBigrams('发票 怎么开')), 1);
});

test('rewordings group together at the threshold; unrelated questions sharing a word do not', () => {
  const groups = groupAll([
    { text: 'Can I export notes to PDF?', at: 1 },
    { text: 'can i export my notes to pdf', at: 2 },
    { text: 'Is there a student discount?', at: 3 },
    { text: 'export notes to pdf', at: 4 },
    { text: '发票怎么开', at: 5 },
  ]);
  assert.deepEqual(groups.map((g) => [g.question, g.count]), [['Can I export notes to PDF?', 3], ['发票怎么开', 1], ['Is there a student discount?', 1]]);
  assert.equal(groups[0].lastAskedAt, 4);
  assert.deepEqual(groups[0].examples, ['Can I export notes to PDF?', 'can i export my notes to pdf', 'export notes to pdf']);
});

test('the threshold decides: at 1.0 only identical normalized texts group', () => {
  const texts = ['发票怎么开', '发票怎么开？', '发票怎么开呀'].map((text) => ({ text }));
  assert.deepEqual(groupAll(texts, { threshold: 1 }).map((g) => g.count), [2, 1]);
  assert.deepEqual(groupAll(texts, { threshold: 0.5 }).map((g) => g.count), [3]);
});

test('a question joins the oldest group it is similar enough to, as a scan in filing order would', () => {
  // "abcdx" is 0.6 similar to both; the first group filed wins.
  const groups = groupAll([{ text: 'abcdef' }, { text: 'abcdxy' }, { text: 'abcdx' }], { threshold: 0.5 });
  assert.deepEqual(groups.map((g) => [g.question, g.count]), [['abcdef', 2], ['abcdxy', 1]]);
});

test('groups are bounded: long texts are cut, a full index replaces the group asked least, longest ago', () => {
  const groups = new QuestionGroups({ threshold: 0.5, maxGroups: 2, maxChars: 10 });
  groups.file({ text: 'a'.repeat(4000), at: 1 });
  groups.file({ text: 'a'.repeat(4000), at: 2 });
  groups.file({ text: 'bcdefghijk', at: 3 });
  const { evicted } = groups.file({ text: 'zyxwvutsrq', at: 4 });
  assert.equal(evicted, 2, 'the single question asked at 3 goes');
  const page = groups.page({ limit: 10 });
  assert.deepEqual(page.groups.map((g) => [g.question, g.count]), [['a'.repeat(10), 2], ['zyxwvutsrq', 1]]);
  assert.deepEqual([page.total, page.questions], [2, 3]);
  assert.deepEqual(groups.page({ offset: 1, limit: 1 }).groups.map((g) => g.question), ['zyxwvutsrq']);
});
