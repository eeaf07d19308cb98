// Answers by locale in a knowledge base (docs/knowledge-base.md): the one rule that picks
// the text, used by FaqEngine and ChatSession at load and by the server's verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaqEngine } from '../../web/core/index.js';
import { answerFor, answersByLocale, featuredQuestions, localizeKnowledgeBase } from '../../web/core/kb-locale.js';

const KB = {
  faqs: [
    { id: 'pw', question: '怎么重置密码', featured: true, answer: { default: '在登录页点击忘记密码。', 'zh-TW': '在登入頁點擊忘記密碼。', en: 'Choose "Forgot password" on the sign-in page.' } },
    { id: 'invoice', question: '怎么开发票', answer: { default: '在订单页申请发票。', en: 'Request an invoice on the order page.' } },
    { id: 'hours', question: '几点上班', answer: '九点到六点。' },
  ],
};

test('the locale\'s own text where the entry has one, else its default; a string is every locale\'s', () => {
  assert.equal(answerFor(KB.faqs[0].answer, 'zh-TW'), '在登入頁點擊忘記密碼。');
  assert.equal(answerFor(KB.faqs[1].answer, 'zh-TW'), '在订单页申请发票。');
  assert.equal(answerFor(KB.faqs[1].answer, undefined), '在订单页申请发票。');
  assert.equal(answerFor(KB.faqs[2].answer, 'en'), '九点到六点。');
});

test('the core gets plain answers and no featured flags; a KB without either passes through untouched', () => {
  const localized = JSON.parse(localizeKnowledgeBase(KB, 'en'));
  assert.deepEqual(localized.faqs.map((faq) => faq.answer), ['Choose "Forgot password" on the sign-in page.', 'Request an invoice on the order page.', '九点到六点。']);
  assert.equal(localized.faqs.some((faq) => 'featured' in faq), false);
  const plain = '{"faqs":[{"id":"a","question":"q","answer":"x"}]}';
  assert.equal(localizeKnowledgeBase(plain, 'en'), plain);
  assert.equal(localizeKnowledgeBase('{not json "featured"', 'en'), '{not json "featured"', 'the core reports the syntax error');
  assert.deepEqual(featuredQuestions(KB), [{ id: 'pw', question: '怎么重置密码' }]);
});

test('FaqEngine answers with the text of its locale option; an answer object without a default is the core\'s error', async () => {
  const zhTW = await FaqEngine.create(KB, { locale: 'zh-TW' });
  const byDefault = await FaqEngine.create(JSON.stringify(KB));
  try {
    assert.equal(zhTW.match('怎么重置密码').candidates[0].answer, '在登入頁點擊忘記密碼。');
    assert.equal(byDefault.match('怎么重置密码').candidates[0].answer, '在登录页点击忘记密码。');
  } finally {
    zhTW.dispose();
    byDefault.dispose();
  }
  await assert.rejects(FaqEngine.create({ faqs: [{ id: 'a', question: 'q', answer: { en: 'x' } }] }), (error) => error.code === 'kb_invalid_entry');
});

test('each locale\'s own texts by FAQ id, for the widget to show over the default texts: only the entries that have one', () => {
  assert.deepEqual([...answersByLocale(KB)], [
    ['en', { pw: 'Choose "Forgot password" on the sign-in page.', invoice: 'Request an invoice on the order page.' }],
    ['zh-TW', { pw: '在登入頁點擊忘記密碼。' }],
  ]);
  assert.deepEqual([...answersByLocale({ faqs: [{ id: 1, answer: '一个' }] })], []);
  assert.deepEqual([...answersByLocale(null)], []);
});
