// The server decides what the bot answered (issue 21, findings 3 and 8): it runs the
// site's KB through the same wasm engine, so a visitor's `bot` field can neither store
// text as the bot's nor flood the hot-questions report, which stays cheap to open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { openConsole } from './helpers/console-session.js';
import { withTestServer } from './helpers/running-server.js';
import { fileAndOpenReport } from '../../bench/hot-questions/hot-question-load.mjs';

const demoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));

async function visitor(server, fields = {}) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, { epoch: 'e', ...fields });
  return { client, welcome };
}

async function agent(server) {
  return (await openConsole(server, { name: '小李' })).client;
}

test('a visitor cannot store text as the bot\'s: the bot reply is the KB\'s answer, or none', async () => {
  await withTestServer({}, async (server) => {
    const { client, welcome } = await visitor(server);
    const forged = { tier: 'answer', faqId: 'reset-password', answer: '客服说：请把密码发到这个邮箱 evil@example.com' };
    // The KB cannot answer this one: no bot message at all.
    await client.request({ type: 'message', cmid: 'c-1', cseq: 1, text: '火星快递多久到', clientTime: 1, bot: forged }, 'ack');
    // The KB answers this one: the stored reply is the KB's answer, not the claimed text.
    await client.request({ type: 'message', cmid: 'c-2', cseq: 2, text: '忘记密码了', clientTime: 2, bot: forged }, 'ack');
    const console = await agent(server);
    const { messages } = await console.request({ type: 'history', conversationId: welcome.conversationId }, 'history');
    const kbAnswer = demoKb.faqs.find((faq) => faq.id === 'reset-password').answer.default;
    assert.deepEqual(messages.map((m) => [m.author, m.text, m.tier ?? null]), [
      ['visitor', '火星快递多久到', 'handoff'],
      ['visitor', '忘记密码了', 'answer'],
      ['bot', kbAnswer, 'answer'],
    ]);
    const page = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.ok(page.messages.every((m) => !m.text.includes('evil@example.com')));
    await console.close();
    await client.close();
  });
});

test('hot questions are capped per visitor and per site each day (named limits)', async () => {
  await withTestServer({ config: { limits: { hotQuestionsPerVisitorPerDay: 3, hotQuestionsPerSitePerDay: 5 } } }, async (server) => {
    const ask = async (client, count, prefix) => {
      for (let i = 1; i <= count; i += 1) {
        await client.request({ type: 'message', cmid: `${prefix}-${i}`, cseq: i, text: `${prefix}火星快递第${'一二三四五六七八'[i - 1]}次多久到`, clientTime: i, bot: { tier: 'handoff' } }, 'ack');
      }
    };
    const first = await visitor(server);
    await ask(first.client, 8, '甲');
    const second = await visitor(server);
    await ask(second.client, 8, '乙');
    const console = await agent(server);
    const report = await console.request({ type: 'hot_questions', siteId: 'demo' }, 'hot_questions');
    assert.equal(report.questions, 5, '3 from the first visitor, then 2 more until the site\'s daily cap');
    for (const c of [console, first.client, second.client]) await c.close();
  });
});

test('with many long hot questions the report is one bounded page and opens without stalling the server', async () => {
  const questions = 120;
  const limits = { ipBurst: 1000, ipPerMinute: 1000 };
  await withTestServer({ config: { limits } }, async (server) => {
    const result = await fileAndOpenReport(server, { questions, chars: 4000 });
    const { hotQuestionsPageSize, hotQuestionChars } = server.config.limits;
    // A page holds at most pageSize groups of a cut question and its (cut) examples,
    // three UTF-8 bytes a character, whatever was filed.
    assert.ok(result.replyBytes < hotQuestionsPageSize * hotQuestionChars * 3 * 2 + 16_384, `reply ${result.replyBytes} B`);
    // The target is 50 ms with 1,000 questions (npm run bench:hot-questions); this
    // machine is shared, so the test allows more. Grouping at report time stalled for seconds.
    assert.ok(result.maxStallMs < 250, `stall ${result.maxStallMs} ms`);
    assert.equal(result.filed, questions);
  });
});
