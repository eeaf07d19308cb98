import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchPage } from './chromium.js';
import { AgentClient, conversationIdOf } from './agent-client.js';
import { conversation, dataAttributePage, routeHostPage, useKefuWorld, widgetOnline } from './kefu-server.js';

const world = useKefuWorld();
const shadowText = (page, selector) => page.evaluate((s) => document.querySelector('kefu-chat').shadowRoot.querySelector(s)?.textContent ?? null, selector);

test('a whole conversation: bot answer, hand-off, queue, agent with typing and read receipts, unread badge, end, rating', async () => {
  const agent = await AgentClient.login(world.server, '小李');
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  const welcomed = conversationIdOf(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'chat.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.evaluate(() => {
    window.kefuEvents = [];
    for (const name of ['message', 'unread', 'handoff', 'open', 'close']) window.Kefu('on', name, (detail) => window.kefuEvents.push([name, detail ?? null]));
  });
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const conversationId = await welcomed;

  await page.fill('kefu-chat >> textarea', '忘记密码了怎么办');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.bot');

  await page.click('kefu-chat >> button.handoff');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=queued]');
  assert.match(await shadowText(page, '.status'), /排在第 1 位/);

  await agent.request({ type: 'accept', conversationId });
  await page.waitForSelector('kefu-chat >> .panel[data-phase=with_agent]');
  assert.equal(await shadowText(page, '.subtitle'), '客服 小李 正在为你服务');

  await agent.request({ type: 'typing', conversationId, on: true });
  await page.waitForFunction(() => /小李 正在输入/.test(document.querySelector('kefu-chat').shadowRoot.querySelector('.status').textContent));
  await agent.request({ type: 'message', conversationId, text: '您好，我是小李，请问有什么可以帮您？' });
  await page.waitForSelector('kefu-chat >> .messages li.agent');
  const agentLine = await page.$eval('kefu-chat >> .messages li.agent', (item) => [item.querySelector('.meta').textContent, item.querySelector('.bubble').textContent]);
  assert.match(agentLine[0], /^小李 · /);
  assert.equal(agentLine[1], '您好，我是小李，请问有什么可以帮您？');

  // The visitor's reply reaches the agent; when the agent has read it the widget says so.
  await page.fill('kefu-chat >> textarea', '我的账号登不上');
  await page.keyboard.press('Enter');
  const pushed = await agent.next((frame) => frame.type === 'msg' && frame.message.text === '我的账号登不上');
  await agent.request({ type: 'read', conversationId, upToSeq: pushed.message.seq });
  await page.waitForSelector('kefu-chat >> .messages li.visitor:last-child [data-delivery=read]');

  // With the panel closed, a new agent message shows as unread on the launcher.
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('kefu-chat >> .panel'), false);
  assert.equal(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.className), 'launcher', 'focus returns to the launcher');
  await agent.request({ type: 'message', conversationId, text: '已为您重置，请查收短信。' });
  await page.waitForSelector('kefu-chat >> .badge:not([hidden])');
  assert.equal(await shadowText(page, '.badge'), '1');
  assert.match(await page.getAttribute('kefu-chat >> button.launcher', 'aria-label'), /1 条未读消息/);
  await page.click('kefu-chat >> button.launcher');
  await page.waitForSelector('kefu-chat >> .badge', { state: 'hidden' });

  await agent.request({ type: 'end', conversationId });
  await page.waitForSelector('kefu-chat >> form.rating');
  await page.click('kefu-chat >> form.rating label.star:nth-of-type(5)');
  await page.fill('kefu-chat >> form.rating input[name=comment]', '很快就解决了');
  await page.click('kefu-chat >> form.rating button[type=submit]');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=rated]');
  const rating = await agent.next((frame) => frame.type === 'rating');
  assert.equal(rating.rating.stars, 5);
  assert.equal(rating.rating.comment, '很快就解决了');
  assert.match(await shadowText(page, '.status'), /感谢你的评价/);

  const texts = (await conversation(page)).map(([author, text]) => `${author}:${text}`);
  for (const expected of ['visitor:忘记密码了怎么办', 'agent:您好，我是小李，请问有什么可以帮您？', 'visitor:我的账号登不上', 'agent:已为您重置，请查收短信。']) {
    assert.equal(texts.filter((text) => text === expected).length, 1, `${expected} shown once in ${texts.join(' | ')}`);
  }
  const events = await page.evaluate(() => window.kefuEvents.map(([name]) => name));
  for (const name of ['open', 'handoff', 'message', 'unread', 'close']) assert.ok(events.includes(name), `host page got "${name}": ${events}`);
  assert.deepEqual(problems, []);
  agent.close();
  await page.close();
});
