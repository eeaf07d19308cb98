// Teach the bot, end to end in headless Chromium (issue 18, item 5 and its target): a
// visitor's question the bot handed off; an agent teaches it from the conversation (a
// similar question for an existing FAQ) and from the hot-question list (a new FAQ); an
// admin reviews both on the knowledge-base page (one accepted, one rejected), sees an
// invalid edit refused under its field, publishes; a new visitor's widget then asks the
// same question and gets the `answer` tier with that FAQ's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launchChromium, watchPage, watchedPage } from './chromium.js';
import { dataAttributePage, inWidget, routeHostPage, screenshot, widgetOnline } from './kefu-server.js';
import { startTestServer } from '../server/helpers/running-server.js';
import { SocketClient, helloVisitor } from '../server/helpers/socket-client.js';
import { logInPage } from '../server/helpers/console-session.js';

const demoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));
// Handed off by the demo KB (no FAQ scores near the suggest tier).
const BITCOIN = '你们支持比特币付款吗';
const PAYMENT_ANSWER = demoKb.faqs.find((faq) => faq.id === 'payment-methods').answer.default;
const ENGLISH_ANSWER = 'We accept Alipay, WeChat Pay, UnionPay, cards and PayPal.';

let server;
let browser;
before(async () => {
  server = await startTestServer({ config: { sites: { demo: { businessHours: null, offlineWhenNoAgent: false } } } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  server?.removeData();
});

const consolePage = () => watchedPage(browser, { width: 1280, height: 900 });

test('a handed-off question, taught by an agent and published by an admin, gets the answer tier for the next visitor', async () => {
  const team = (await server.teams.create({ name: 'Support', siteIds: ['demo'] })).team;
  const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(visitor, { siteId: 'demo' });
  await visitor.request({ type: 'message', cmid: 'q', cseq: 1, text: BITCOIN, clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
  visitor.send({ type: 'handoff', reason: 'visitor' });

  // The agent teaches it from the conversation: a similar question of payment-methods.
  const agent = await consolePage();
  await logInPage(agent.page, server, { name: 'Ann', teamIds: [team.id] });
  await agent.page.click(`#conversations li:has-text("${BITCOIN}") button`);
  await agent.page.waitForSelector(`#messages li:has-text("${BITCOIN}")`);
  await agent.page.click('#teach-open');
  await agent.page.waitForSelector('#teach-question');
  assert.equal(await agent.page.inputValue('#teach-question'), BITCOIN);
  await agent.page.fill('#teach-search', '付款方式');
  assert.equal(await agent.page.inputValue('#teach-faq'), 'payment-methods');
  await agent.page.click('#teach button[type=submit]');
  await agent.page.waitForSelector('#teach [role=status]:has-text("Sent for review")');
  await screenshot(agent.page, 'console-teach');

  // And from the hot questions: a new FAQ with the agent's own answer.
  await agent.page.click('[data-view=hot]');
  await agent.page.click(`#hot-questions li:has-text("${BITCOIN}") button:has-text("Teach")`);
  await agent.page.waitForSelector('#hot-teach-question');
  await agent.page.check('#hot-teach input[value=faq]');
  await agent.page.fill('#hot-teach-answer', '暂不支持比特币。');
  await agent.page.click('#hot-teach button[type=submit]');
  await agent.page.waitForSelector('#hot-teach [role=status]:has-text("Sent for review")');
  await screenshot(agent.page, 'console-teach-hot-question');
  assert.equal(await agent.page.locator('#kb-tab').isHidden(), true, 'agents have no KB editor');

  // The admin reviews: accepts the similar question, rejects the new FAQ.
  const admin = await consolePage();
  await logInPage(admin.page, server, { name: 'Admin', role: 'admin' });
  await admin.page.click('#kb-tab');
  await admin.page.waitForSelector('#kb-proposals li.proposal >> nth=1');
  await screenshot(admin.page, 'console-kb-editor-review');
  await admin.page.click('#kb-proposals li:has-text("similar question") button:has-text("Accept")');
  await admin.page.waitForSelector('#kb-status:has-text("Accepted into the draft")');
  await admin.page.click('#kb-proposals li:has-text("new FAQ") button:has-text("Reject")');
  await admin.page.waitForSelector('#kb-status:has-text("Rejected")');
  await admin.page.waitForFunction(() => document.querySelectorAll('#kb-proposals li').length === 0);

  // The editor: the taught phrasing is in the draft; an answer without its default text
  // is refused by the publish's check, shown under the answer field.
  await admin.page.fill('#kb-search', '比特币');
  await admin.page.click('#kb-faqs li[data-faq="payment-methods"] button');
  assert.match(await admin.page.inputValue('#faq-similar'), new RegExp(BITCOIN));
  await admin.page.fill('#faq-answer', '');
  await admin.page.click('#faq-form button[type=submit]');
  await admin.page.waitForSelector('#faq-answer-error:has-text("faqs[")');
  assert.equal(await admin.page.getAttribute('#faq-answer', 'aria-invalid'), 'true');
  await screenshot(admin.page, 'console-kb-editor-validation');
  // Mended, with a new English text: the answer stays per locale.
  await admin.page.fill('#faq-answer', PAYMENT_ANSWER);
  await admin.page.fill('#faq-answer-en', ENGLISH_ANSWER);
  await admin.page.click('#faq-form button[type=submit]');
  await admin.page.waitForSelector('#kb-status:has-text("Saved to the draft")');

  await admin.page.click('#kb-publish');
  await admin.page.waitForSelector('#kb-status:has-text("Published #2")', { timeout: 30_000 });
  await admin.page.waitForSelector('#kb-versions tr[data-version="1"] button:has-text("Roll back")');
  assert.match(await admin.page.locator('#kb-versions tr[data-version="2"]').innerText(), /Admin[\s\S]*~1 payment-methods/);
  await screenshot(admin.page, 'console-kb-editor-history');
  const served = await (await fetch(`${server.httpUrl}/kb/demo.json`)).json();
  assert.deepEqual(served.faqs.find((faq) => faq.id === 'payment-methods').answer, { default: PAYMENT_ANSWER, en: ENGLISH_ANSWER });

  // The agent sees what became of their proposals.
  await agent.page.click('[data-view=chats]');
  await agent.page.click('#teach-open');
  await agent.page.waitForSelector(`#teach li:has-text("${BITCOIN} → payment-methods · Ann · accepted")`);
  await agent.page.waitForSelector(`#teach li:has-text("${BITCOIN} → new FAQ 新问答 · Ann · rejected")`);

  // A new visitor asks the same question: the widget answers it (tier `answer`).
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  const tiers = [];
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => {
    const frame = JSON.parse(String(payload));
    if (frame.type === 'message') tiers.push(frame.bot?.tier);
  }));
  await page.goto(await routeHostPage(page, server.httpUrl, 'teach.html', dataAttributePage()));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.fill(inWidget('textarea'), BITCOIN);
  await page.press(inWidget('textarea'), 'Enter');
  await page.waitForFunction((answer) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.message.bot')].some((item) => item.textContent.includes(answer)), PAYMENT_ANSWER, { timeout: 30_000 });
  assert.deepEqual(tiers, ['answer']);
  assert.deepEqual(problems, []);
  assert.deepEqual(agent.problems, []);
  // The one refusal the admin saw: the invalid edit above.
  assert.deepEqual(admin.problems.map((problem) => problem.replace(server.httpUrl, '')), ['HTTP 400: /console/api/kb/demo/faqs']);
  for (const opened of [context, agent.context, admin.context]) await opened.close();
  await visitor.close();
});
