// The widget answers from the index the server published (issue 15, items 3 and 7;
// docs/server.md, "Knowledge bases"): it downloads the .kfi, never the KB JSON, and
// trains nothing; the chat works before the index arrives, and a question asked then
// is answered once it has; a KB published while the page is open reaches the widget at
// its next conversation, without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { conversation, dataAttributePage, inWidget, routeHostPage, useKefuWorld, widgetOnline } from './kefu-server.js';
import { watchPage } from './chromium.js';
import { syntheticKb } from '../../bench/faq/synthetic-kb.mjs';
import { answerFor } from '../../web/core/kb-locale.js';

const world = useKefuWorld();
// The demo KB's answers with their default texts only: this is about the index (the
// per-locale texts beside it are widget-home.test.js's).
const bilingualDemoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));
const demoKb = { ...bilingualDemoKb, faqs: bilingualDemoKb.faqs.map((faq) => ({ ...faq, answer: answerFor(faq.answer) })) };

async function ask(page, text) {
  await page.fill(inWidget('textarea'), text);
  await page.press(inWidget('textarea'), 'Enter');
}

const botAnswers = async (page) => (await conversation(page)).filter(([author]) => author === 'bot').map(([, text]) => text);

test('a 2,000-FAQ KB reaches the widget as its trained index, and a question asked before it arrived is answered', async () => {
  const kb = { faqs: syntheticKb(2000, 0).faqs };
  const published = await world.server.publishKnowledgeBase('demo', JSON.stringify(kb));
  assert.equal(published.faqs, 2000, JSON.stringify(published));
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  const kbRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/kb/')) kbRequests.push(new URL(request.url()).pathname);
  });
  // The index is held back until the visitor has asked (at the pointer: Playwright does
  // not route the request a redirect leads to).
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });
  await page.route(`${world.server.httpUrl}/kb/demo.kfi`, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'big-kb.html', dataAttributePage()));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const faq = kb.faqs[1234];
  await ask(page, faq.question);
  // The chat took the question; the bot has not answered, it has no index yet.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(await botAnswers(page), []);
  release();
  await page.waitForFunction((answer) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.message.bot')].some((item) => item.textContent.includes(answer)), faq.answer, { timeout: 30_000 });
  assert.deepEqual(await botAnswers(page), [faq.answer]);
  const visitorTexts = (await conversation(page)).filter(([author]) => author === 'visitor').map(([, text]) => text);
  assert.deepEqual(visitorTexts, [faq.question]);
  // The pointer, then the bytes under their version: never the JSON.
  assert.deepEqual(kbRequests, ['/kb/demo.kfi', `/kb/demo/${published.version}.kfi`]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a KB published while the widget is open reaches it at its next conversation, without a reload', async () => {
  const restored = await world.server.publishKnowledgeBase('demo', JSON.stringify(demoKb));
  assert.match(restored.version, /^[0-9a-f]{32}$/);
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.addInitScript(() => {
    // The widget's sockets, so the test can drop the line as a network change would.
    const NativeSocket = window.WebSocket;
    window.sockets = [];
    window.WebSocket = class extends NativeSocket {
      constructor(...args) {
        super(...args);
        window.sockets.push(this);
      }
    };
    window.kbVersions = [];
    window.Kefu = window.Kefu || function () { (window.Kefu.q = window.Kefu.q || []).push(arguments); };
    window.Kefu('on', 'kb_ready', (detail) => window.kbVersions.push(detail.version));
  });
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'republish.html', dataAttributePage()));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.waitForFunction(() => window.kbVersions.length === 1);
  assert.deepEqual(await page.evaluate(() => window.kbVersions), [restored.version]);

  const mars = { id: 'mars', question: '火星快递多久到', similar: ['寄到火星要几天'], answer: '火星快递需要七个月。' };
  const republished = await world.server.publishKnowledgeBase('demo', JSON.stringify({ ...demoKb, faqs: [...demoKb.faqs, mars] }));
  assert.notEqual(republished.version, restored.version);
  // The next conversation: the connection drops and comes back (a network change, a
  // server deploy), and the welcome names the new version.
  const socketsBefore = await page.evaluate(() => window.sockets.length);
  await page.evaluate(() => window.sockets.at(-1).close());
  await page.waitForFunction((count) => window.sockets.length > count, socketsBefore, { timeout: 30_000 });
  await widgetOnline(page, 30_000);
  await page.waitForFunction(() => window.kbVersions.length === 2, null, { timeout: 15_000 });
  assert.deepEqual(await page.evaluate(() => window.kbVersions), [restored.version, republished.version]);
  await ask(page, '寄到火星要几天');
  await page.waitForFunction((answer) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.message.bot')].some((item) => item.textContent.includes(answer)), mars.answer, { timeout: 15_000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('nothing on the way to the bot being ready asks for the time zone: the hello asks for it, and still carries it', async () => {
  const context = await world.browser.newContext({ timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.addInitScript(() => {
    // The first Intl.DateTimeFormat of a page loads the engine's time zone data (a long
    // task on a phone): when the page made its first one, against when the bot was ready.
    window.firstDateFormatAt = null;
    const note = () => (window.firstDateFormatAt ??= performance.now());
    Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
      construct: (target, args) => (note(), Reflect.construct(target, args)),
      apply: (target, self, args) => (note(), Reflect.apply(target, self, args)),
    });
    window.hellos = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (text) {
      if (typeof text === 'string' && text.includes('"type":"hello"')) window.hellos.push(JSON.parse(text));
      return send.call(this, text);
    };
    window.Kefu = window.Kefu || function () { (window.Kefu.q = window.Kefu.q || []).push(arguments); };
    window.Kefu('on', 'kb_ready', () => (window.kbReadyAt ??= performance.now()));
  });
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'time-zone.html', dataAttributePage()));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.waitForFunction(() => window.kbReadyAt !== undefined && window.hellos.length > 0);
  const { firstDateFormatAt, kbReadyAt, hellos } = await page.evaluate(() => ({ firstDateFormatAt: window.firstDateFormatAt, kbReadyAt: window.kbReadyAt, hellos: window.hellos }));
  assert.ok(firstDateFormatAt === null || firstDateFormatAt >= kbReadyAt, `a date format was made at ${firstDateFormatAt} ms, the bot was ready at ${kbReadyAt} ms`);
  assert.equal(hellos[0].page.timeZone, 'Asia/Shanghai');
  assert.equal(hellos[0].page.title, 'ACME Store');
  assert.deepEqual(problems, []);
  await context.close();
});
