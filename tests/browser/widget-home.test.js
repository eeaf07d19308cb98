// Issue 16: the home screen, the site's own words and look, the integrator commands and
// the conversation's lifecycle, as a visitor and a host page meet them in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { watchPage } from './chromium.js';
import { AgentClient, conversationIdOf } from './agent-client.js';
import { conversation, dataAttributePage, routeHostPage, screenshot, startTestServer, useKefuWorld, widgetOnline } from './kefu-server.js';

const HOSTILE = '<img src=x onerror="window.__xss=1">Hi & <b>welcome</b>';
const world = useKefuWorld({
  site: {
    texts: { en: { brandName: 'ACME <script>window.__xss=2</script> Help', greeting: HOSTILE, placeholder: 'Ask ACME anything' } },
    logo: '/test/logo.png',
    accent: '#0b6e3a',
  },
});
const demoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));
const answerOf = (id) => demoKb.faqs.find((faq) => faq.id === id).answer;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// A 1×1 PNG, the site's logo.
const LOGO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const shadow = (page, selector) => page.evaluate((s) => document.querySelector('kefu-chat').shadowRoot.querySelector(s)?.textContent ?? null, selector);
const visible = (page, selector) => page.isVisible(`kefu-chat >> ${selector}`);

async function openPage({ server = world.server, locale = 'en', extra = '', html = null, csp, context = world.browser } = {}) {
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.route(`${server.httpUrl}/test/logo.png`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: LOGO }));
  const url = await routeHostPage(page, server.httpUrl, 'home.html', html ?? dataAttributePage({ locale, extra }), csp === undefined ? {} : { csp });
  const welcomed = conversationIdOf(page);
  await page.goto(url);
  return { page, problems, welcomed };
}

async function axeSerious(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document.querySelector('kefu-chat'), { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('home screen: the site\'s greeting, name and logo as text, the reply state, featured questions that ask when tapped', async () => {
  const { page, problems } = await openPage();
  await page.click('kefu-chat >> button.launcher');
  await page.waitForSelector('kefu-chat >> .home .suggestions button');
  // The site's words, hostile markup shown as text: no element made from them, nothing run.
  assert.equal(await shadow(page, '.title'), 'ACME <script>window.__xss=2</script> Help');
  assert.equal(await shadow(page, '.home .greeting'), HOSTILE);
  assert.equal(await page.$eval('kefu-chat >> .home', (home) => home.querySelectorAll('script, b, img:not(.logo)').length), 0);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  assert.equal(await page.getAttribute('kefu-chat >> textarea', 'placeholder'), 'Ask ACME anything');
  assert.equal(await page.$eval('kefu-chat >> .home img.logo', (img) => img.complete && img.naturalWidth), 1);
  // The site's colour, on the launcher and the panel's header.
  for (const selector of ['button.launcher', '.header']) assert.equal(await page.$eval(`kefu-chat >> ${selector}`, (node) => getComputedStyle(node).backgroundColor), 'rgb(11, 110, 58)');
  // Nobody is logged in: within business hours (always here), but no agent.
  assert.equal(await shadow(page, '.home .reply-time'), 'No agent is online right now; we reply by message.');
  const questions = await page.$$eval('kefu-chat >> .home .suggestions button', (buttons) => buttons.map((b) => b.textContent));
  assert.deepEqual(questions, demoKb.faqs.filter((faq) => faq.featured).map((faq) => faq.question));
  await widgetOnline(page);
  assert.deepEqual(await axeSerious(page), []);
  await screenshot(page, 'home-screen');

  // Tapped: asked as the visitor's message, answered in English only, and the home screen gives way.
  await page.click('kefu-chat >> .home .suggestions button >> nth=0');
  await page.waitForSelector('kefu-chat >> .messages li.bot');
  assert.deepEqual((await conversation(page)).map(([author, text]) => [author, text]), [['visitor', questions[0]], ['bot', answerOf('reset-password').en]]);
  assert.equal(await visible(page, '.home'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the reply time follows the agents on duty, and boot options override the server\'s texts, logo and questions', async () => {
  const agent = await AgentClient.login(world.server, 'Lin');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Boot</title></head><body>
<script>${readFileSync(new URL('../../dist/kefu-snippet.js', import.meta.url), 'utf8')}
Kefu('boot', {siteId: 'demo', locale: 'en', texts: {en: {greeting: 'Hello from boot'}}, suggestions: ['Do you ship to Mars?'], logo: 'javascript:alert(1)'});</script>
<script async src="/kefu/kefu-loader.js"></script></body></html>`;
  const { page, problems } = await openPage({ html, csp: null });
  await page.click('kefu-chat >> button.launcher');
  await page.waitForSelector('kefu-chat >> .home .reply-time:not([hidden])');
  assert.equal(await shadow(page, '.home .greeting'), 'Hello from boot');
  assert.equal(await shadow(page, '.title'), 'ACME <script>window.__xss=2</script> Help', 'the server\'s brand name where boot gives none');
  assert.match(await shadow(page, '.home .reply-time'), /^We usually reply in about \d+ min$/);
  assert.deepEqual(await page.$$eval('kefu-chat >> .home .suggestions button', (buttons) => buttons.map((b) => b.textContent)), ['Do you ship to Mars?']);
  assert.equal(await page.$$eval('kefu-chat >> .home img', (images) => images.length), 0, 'a javascript: logo is not loaded');
  assert.deepEqual(problems, []);
  agent.close();
  await page.close();
});

test('a zh-TW visitor of a bilingual KB gets the zh-TW answer where the KB has one, else the default, from the binary index; setLocale switches the answers at once; so does the server\'s record', async () => {
  const agent = await AgentClient.login(world.server, '小林');
  const { page, problems, welcomed } = await openPage({ locale: 'zh-TW' });
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const conversationId = await welcomed;
  const botTexts = async () => (await conversation(page)).filter(([author]) => author === 'bot').map(([, text]) => text);
  const ask = async (text, count) => {
    await page.fill('kefu-chat >> textarea', text);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`kefu-chat >> .messages li.bot >> nth=${count - 1}`);
  };
  await ask('忘记密码了怎么办', 1);
  await page.waitForFunction((expected) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.bot .bubble')].at(0)?.textContent === expected, answerOf('reset-password')['zh-TW']);
  await ask('怎么开发票', 2);
  assert.deepEqual(await botTexts(), [answerOf('reset-password')['zh-TW'], answerOf('invoice').default]);
  await screenshot(page, 'answers-zh-TW');

  // No reload: the answers on screen and the next one are English.
  await page.evaluate(() => window.Kefu('setLocale', 'en'));
  await page.waitForFunction((expected) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.bot .bubble')].at(0)?.textContent === expected, answerOf('reset-password').en);
  await ask('如何申请退款', 3);
  assert.deepEqual(await botTexts(), [answerOf('reset-password').en, answerOf('invoice').en, answerOf('refund').en]);
  await screenshot(page, 'answers-after-setLocale-en');

  // The binary index and each locale's texts beside it; the KB JSON is never trained here.
  const kbRequests = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname).filter((path) => path.startsWith('/kb/')));
  assert.ok(kbRequests.includes('/kb/demo.kfi'), kbRequests.join(' ')); // the pointer to /kb/demo/<version>.kfi
  assert.ok(kbRequests.some((path) => /^\/kb\/demo\/[0-9a-f]{32}\.zh-TW\.json$/.test(path)), kbRequests.join(' '));
  assert.ok(kbRequests.some((path) => /^\/kb\/demo\/[0-9a-f]{32}\.en\.json$/.test(path)), kbRequests.join(' '));
  assert.ok(!kbRequests.includes('/kb/demo.json'), kbRequests.join(' '));

  // The server recorded each reply in the locale the visitor read then (setLocale made
  // the connection again with it: the last question is stored once the line is back).
  await page.waitForFunction(() => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor .delivery')].filter((line) => ['delivered', 'read'].includes(line.dataset.delivery)).length === 3);
  agent.send({ type: 'history', conversationId });
  const { messages } = await agent.next((frame) => frame.type === 'history' && frame.conversationId === conversationId);
  assert.deepEqual(messages.filter((m) => m.author === 'bot').map((m) => m.text), [answerOf('reset-password')['zh-TW'], answerOf('invoice').default, answerOf('refund').en]);
  assert.deepEqual(problems, []);
  agent.close();
  await page.close();
});

test('left position: the panel follows the launcher; a site\'s own button opens the panel after hide', async () => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Own launcher</title></head><body>
<button id="help">Help</button>
<script async src="/kefu/kefu-loader.js" data-site-id="demo" data-locale="en" data-position="left"></script>
<script src="/test/own.js"></script></body></html>`;
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  await page.route(`${world.server.httpUrl}/test/own.js`, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: "document.getElementById('help').onclick = () => Kefu('open');" }),
  );
  await page.route(`${world.server.httpUrl}/test/logo.png`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: LOGO }));
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'own.html', html));
  await page.waitForSelector('kefu-chat >> button.launcher');
  const launcher = await page.$eval('kefu-chat >> button.launcher', (b) => b.getBoundingClientRect().x);
  assert.ok(launcher < 100, `launcher at x=${launcher}`);
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const panel = await page.$eval('kefu-chat >> .panel', (p) => p.getBoundingClientRect().x);
  assert.ok(panel < 100, `panel at x=${panel}`);
  await screenshot(page, 'position-left');
  await page.evaluate(() => window.Kefu('hide'));
  assert.equal(await visible(page, 'button.launcher'), false);
  assert.equal(await visible(page, '.panel'), false);
  await page.click('#help');
  await page.waitForSelector('kefu-chat >> .panel', { state: 'visible' });
  assert.equal(await visible(page, 'button.launcher'), false, 'the default launcher stays hidden');
  assert.deepEqual(problems, []);
  await page.close();
});

test('commands and events: update reaches agents, getState, prefill, setLocale; started, ended, rated; new conversation keeps the history; transcript', async () => {
  const agent = await AgentClient.login(world.server, 'Mei');
  const { page, problems, welcomed } = await openPage({ locale: 'zh-CN' });
  await page.evaluate(() => {
    window.kefuEvents = [];
    for (const name of ['conversation_started', 'conversation_ended', 'rated']) window.Kefu('on', name, (detail) => window.kefuEvents.push([name, detail ?? null]));
    // Any error event is a console error, which watchPage counts as a problem.
    window.Kefu('on', 'error', (detail) => console.error('kefu error event', JSON.stringify(detail)));
  });
  const state = () => page.evaluate(() => new Promise((resolve) => window.Kefu('getState', resolve)));
  await page.evaluate(() => window.Kefu('update', { attributes: { plan: 'pro', seats: 12 } }));
  await page.evaluate(() => window.Kefu('prefill', '我想问一下发票'));
  await widgetOnline(page);
  const conversationId = await welcomed;
  assert.equal(await page.inputValue('kefu-chat >> textarea'), '我想问一下发票');
  assert.deepEqual(await state(), { open: true, unread: 0, phase: 'bot' });
  assert.deepEqual(await conversation(page), [], 'prefill does not send');

  await page.evaluate(() => window.Kefu('setLocale', 'en'));
  assert.equal(await shadow(page, '.home .greeting'), HOSTILE, 'the site\'s English greeting');
  assert.equal(await page.getAttribute('kefu-chat >> textarea', 'placeholder'), 'Ask ACME anything');
  assert.equal(await page.getAttribute('kefu-chat >> button.launcher', 'aria-label'), 'Close chat');

  await page.fill('kefu-chat >> textarea', 'I need a person');
  await page.keyboard.press('Enter');
  await page.click('kefu-chat >> button.handoff');
  const announced = await agent.next((frame) => frame.type === 'conversation' && frame.conversation.conversationId === conversationId);
  assert.deepEqual(announced.conversation.attributes, { plan: 'pro', seats: '12' });
  await agent.request({ type: 'accept', conversationId });
  await agent.request({ type: 'message', conversationId, text: 'Hello, Mei here.' });
  await page.waitForSelector('kefu-chat >> .messages li.agent');
  await agent.request({ type: 'end', conversationId });
  await page.waitForSelector('kefu-chat >> form.rating');
  // Compact: the conversation stays in view above the rating.
  const heights = await page.evaluate(() => {
    const root = document.querySelector('kefu-chat').shadowRoot;
    return { footer: root.querySelector('.footer').offsetHeight, messages: root.querySelector('.messages').offsetHeight };
  });
  assert.ok(heights.footer < 120 && heights.messages > 250, JSON.stringify(heights));
  assert.deepEqual(await axeSerious(page), []);
  await screenshot(page, 'rating-compact');
  await page.click('kefu-chat >> form.rating label.star:nth-of-type(4)');
  await page.click('kefu-chat >> form.rating button[type=submit]');
  await page.waitForSelector('kefu-chat >> .after-chat');
  assert.deepEqual(await axeSerious(page), []);
  await screenshot(page, 'after-rating');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('kefu-chat >> button.transcript')]);
  assert.match(download.suggestedFilename(), /^transcript-\d{4}-\d\d-\d\d\.txt$/);
  const transcript = readFileSync(await download.path(), 'utf8');
  for (const line of ['You: I need a person', 'Mei: Hello, Mei here.']) assert.ok(transcript.includes(line), transcript);

  const texts = async () => (await conversation(page)).map(([author, text]) => [author, text]);
  const siteConversations = async () => {
    agent.send({ type: 'report', by: 'site', days: 1 });
    const report = await agent.next((frame) => frame.type === 'report');
    return report.rows.find((row) => row.key === 'demo')?.conversations ?? 0;
  };
  const conversationsBefore = await siteConversations();
  const before = await texts();
  const secondWelcome = conversationIdOf(page);
  await page.click('kefu-chat >> button.new-conversation');
  await page.waitForSelector('kefu-chat >> .messages li.divider');
  await page.waitForSelector('kefu-chat >> .home:not([hidden])');
  assert.deepEqual(await texts(), before, 'the old conversation stays as history');
  assert.equal(await page.evaluate(() => document.querySelector('kefu-chat').shadowRoot.activeElement?.tagName), 'TEXTAREA');
  await screenshot(page, 'new-conversation');
  // Another conversation on the server: the console and the reports see two.
  const secondId = await secondWelcome;
  assert.notEqual(secondId, conversationId);
  await page.click('kefu-chat >> .home .suggestions button >> nth=1');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=bot]');
  await page.waitForFunction(() => window.kefuEvents.filter(([name]) => name === 'conversation_started').length === 2);
  await page.waitForSelector('kefu-chat >> .messages li.bot >> nth=1');
  // The console has each conversation's own history: the old one's messages are not the new one's.
  const historyOf = async (id) => {
    agent.send({ type: 'history', conversationId: id });
    return (await agent.next((frame) => frame.type === 'history' && frame.conversationId === id)).messages.map((m) => m.text);
  };
  const [oldHistory, newHistory] = [await historyOf(conversationId), await historyOf(secondId)];
  assert.ok(oldHistory.includes('Hello, Mei here.') && !newHistory.includes('Hello, Mei here.'), JSON.stringify({ oldHistory, newHistory }));
  assert.equal(newHistory[0], (await texts()).at(-2)[1], 'the new conversation starts with the question asked after the divider');
  assert.equal(await siteConversations(), conversationsBefore + 1);
  assert.deepEqual(await page.evaluate(() => window.kefuEvents), [
    ['conversation_started', null],
    ['conversation_ended', null],
    ['rated', { stars: 4 }],
    ['conversation_started', null],
  ]);
  const both = await texts();
  assert.deepEqual(both.slice(0, before.length), before);

  // After a reload: the same two conversations, the divider between them, the new one resumed.
  const resumed = conversationIdOf(page);
  await page.reload();
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  assert.equal(await resumed, secondId);
  await page.waitForSelector('kefu-chat >> .messages li.divider');
  // The page boots in its own locale again (zh-CN); in English, the same thread as before.
  await page.evaluate(() => window.Kefu('setLocale', 'en'));
  await page.waitForFunction((expected) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.bot .bubble')].at(-1)?.textContent === expected, both.at(-1)[1]);
  assert.deepEqual(await texts(), both);
  const order = await page.$$eval('kefu-chat >> .messages li', (items) => items.map((item) => (item.classList.contains('divider') ? 'divider' : 'message')));
  assert.equal(order.indexOf('divider'), before.length, 'the divider sits between the two conversations');
  await screenshot(page, 'new-conversation-after-reload');
  assert.deepEqual(problems, []);
  agent.close();
  await page.close();
});

test('no agent online and outside business hours are different states; a sent message collapses into its ticket number', async () => {
  // Servers of their own: no agent has ever logged in to them.
  const closed = await startTestServer({ site: { businessHours: { timeZone: 'UTC', days: [], open: '09:00', close: '18:00' } } });
  const unstaffed = await startTestServer();
  try {
    for (const [server, title, reply] of [
      [unstaffed, 'No agent is online right now', 'No agent is online right now; we reply by message.'],
      [closed, 'Outside business hours', 'We are outside business hours; we reply by message.'],
    ]) {
      const { page, problems } = await openPage({ server });
      await page.click('kefu-chat >> button.launcher');
      await widgetOnline(page);
      await page.waitForSelector('kefu-chat >> .home .reply-time:not([hidden])');
      assert.equal(await shadow(page, '.home .reply-time'), reply);
      await page.click('kefu-chat >> button.handoff');
      await page.waitForSelector('kefu-chat >> .panel[data-phase=offline]');
      await page.waitForFunction((expected) => document.querySelector('kefu-chat').shadowRoot.querySelector('.footer h3')?.textContent === expected, title);
      if (server === closed) {
        await screenshot(page, 'offline-closed');
        await page.fill('kefu-chat >> form.leave-message textarea', 'Please call me back');
        await page.fill('kefu-chat >> form.leave-message input', 'me@example.com');
        await page.click('kefu-chat >> form.leave-message button[type=submit]');
        await page.waitForFunction(() => /T-|\d/.test(document.querySelector('kefu-chat').shadowRoot.querySelector('.ticket-done')?.textContent ?? ''));
        assert.match(await shadow(page, '.ticket-done'), /^Thanks! Your ticket number is \S+\.$/);
        assert.equal(await visible(page, 'form.leave-message'), false, 'the filled form is gone');
        assert.equal(await visible(page, '.footer h3'), false);
        assert.deepEqual(await axeSerious(page), []);
        await screenshot(page, 'ticket-confirmation');
      } else await screenshot(page, 'offline-no-agent');
      assert.deepEqual(problems, []);
      await page.close();
    }
  } finally {
    await closed.close();
    await unstaffed.close();
  }
});

test('WeChat 390×844: the home screen fits the phone, inputs stay 16 px, keyboard reaches every suggested question', async () => {
  const context = await world.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const { page, problems } = await openPage({ context, locale: 'zh-CN' });
  await page.waitForSelector('kefu-chat >> button.launcher');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .home .suggestions button');
  await widgetOnline(page);
  const overflow = await page.$eval('kefu-chat >> .home', (home) => home.scrollWidth > home.clientWidth);
  assert.equal(overflow, false);
  assert.equal(await page.$eval('kefu-chat >> textarea', (input) => getComputedStyle(input).fontSize), '16px');
  // Shift+Tab from the composer walks back through the questions.
  const focusedQuestion = () => page.evaluate(() => {
    const active = document.querySelector('kefu-chat').shadowRoot.activeElement;
    return active?.closest('.suggestions') ? active.textContent : null;
  });
  const reached = new Set();
  for (let i = 0; i < 15 && reached.size < 5; i += 1) {
    await page.keyboard.press('Shift+Tab');
    const question = await focusedQuestion();
    if (question) reached.add(question);
  }
  assert.equal(reached.size, 5, [...reached].join(' | '));
  const asked = await focusedQuestion();
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.bot');
  assert.equal((await conversation(page))[0][1], asked);
  assert.deepEqual(await axeSerious(page), []);
  await screenshot(page, 'home-wechat');
  assert.deepEqual(problems, []);
  await context.close();
});
