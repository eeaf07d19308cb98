import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { watchPage } from './chromium.js';
import { AgentClient, conversationIdOf } from './agent-client.js';
import { dataAttributePage, routeHostPage, screenshot, useKefuWorld, widgetOnline } from './kefu-server.js';

const world = useKefuWorld();
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN';
const activeInWidget = (page) => page.evaluate(() => {
  const inner = document.activeElement?.shadowRoot?.activeElement;
  return inner ? { tag: inner.tagName, className: inner.className, text: inner.textContent } : null;
});

test('WeChat in-app browser on a 390×844 phone: the panel fills the screen, inputs do not zoom, chat works', async () => {
  const context = await world.browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: WECHAT_UA, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.goto(`${world.server.httpUrl}/wechat/`);
  await page.tap('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const box = await page.$eval('kefu-chat >> .panel', (panel) => {
    const r = panel.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height].map(Math.round);
  });
  assert.deepEqual(box, [0, 0, 390, 844]);
  // iOS zooms into inputs under 16px; WeChat's webview inherits that.
  assert.equal(await page.$eval('kefu-chat >> textarea', (input) => getComputedStyle(input).fontSize), '16px');
  // The height follows visualViewport (the keyboard shrinks it), not a fixed 100vh.
  assert.equal(await page.$eval('kefu-chat >> .panel', (panel) => getComputedStyle(panel).getPropertyValue('--kefu-viewport-height').trim()), '844px');
  assert.equal(await page.isVisible('kefu-chat >> button.launcher'), false, 'the launcher does not cover the full-screen panel');
  await page.tap('kefu-chat >> textarea');
  await page.keyboard.type('学生有优惠吗');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.bot');
  await screenshot(page, 'mobile-wechat');
  await page.tap('kefu-chat >> button.close');
  assert.equal(await page.isVisible('kefu-chat >> button.launcher'), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('keyboard only: Tab reaches the launcher, Enter opens, the visitor chats and picks a choice, Escape closes', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'keys.html', dataAttributePage({ locale: 'en' })));
  await page.waitForSelector('kefu-chat >> button.launcher');
  await page.keyboard.press('Tab');
  assert.equal((await activeInWidget(page))?.className, 'launcher');
  await page.keyboard.press('Enter');
  await widgetOnline(page);
  assert.equal((await activeInWidget(page))?.tag, 'TEXTAREA');
  assert.equal(await page.getAttribute('kefu-chat >> button.launcher', 'aria-expanded'), 'true');

  await page.keyboard.type('付款');
  await page.keyboard.press('Escape'); // closes the typeahead, not the panel
  assert.equal(await page.isVisible('kefu-chat >> .panel'), true);
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .quick-replies .chip');
  let focused = null;
  for (let i = 0; i < 12 && !/chip/.test(focused?.className ?? ''); i += 1) {
    await page.keyboard.press('Shift+Tab');
    focused = await activeInWidget(page);
  }
  assert.match(focused.className, /chip/, 'a choice is reachable with Shift+Tab');
  const messagesBefore = await page.$$eval('kefu-chat >> .messages li.message', (items) => items.length);
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.message').length === n + 2, messagesBefore);
  assert.equal(await page.$eval('kefu-chat >> .messages li.message:last-child .bubble', (bubble) => bubble.textContent.length > 10), true);

  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('kefu-chat >> .panel'), false);
  assert.equal((await activeInWidget(page))?.className, 'launcher');
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible('kefu-chat >> .panel'), true);
  assert.deepEqual(problems, []);
  await page.close();
});

async function seriousViolations(page) {
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical problems: launcher, conversation with choices and typeahead, leave-a-message form', async () => {
  // axe is injected as an inline script, which the strict CSP would (rightly) block.
  const context = await world.browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'axe.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.addScriptTag({ path: axePath });
  await page.waitForSelector('kefu-chat >> button.launcher');
  assert.deepEqual(await seriousViolations(page), [], 'launcher');

  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.fill('kefu-chat >> textarea', '忘记密码了怎么办');
  await page.keyboard.press('Enter');
  await page.fill('kefu-chat >> textarea', '付款');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .quick-replies .chip');
  await page.fill('kefu-chat >> textarea', '退款');
  await page.waitForSelector('kefu-chat >> .typeahead:not([hidden]) li');
  assert.deepEqual(await seriousViolations(page), [], 'conversation with choices and typeahead');

  await page.keyboard.press('Escape'); // the open typeahead covers the hand-off button
  await page.click('kefu-chat >> button.handoff'); // no agent logged in: offline
  await page.waitForSelector('kefu-chat >> form.leave-message');
  assert.deepEqual(await seriousViolations(page), [], 'leave-a-message form');
  await context.close();
});

test('axe-core: the pre-chat form with a field in error, and the rating form', async () => {
  const agent = await AgentClient.login(world.server, 'Li');
  const context = await world.browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const welcomed = conversationIdOf(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'axe-forms.html', dataAttributePage({ locale: 'en', extra: 'data-pre-chat-form="true"' })));
  await page.addScriptTag({ path: axePath });
  await page.click('kefu-chat >> button.launcher');
  await page.waitForSelector('kefu-chat >> form.prechat');
  await page.click('kefu-chat >> form.prechat button[type=submit]'); // empty: shows the required-field error
  assert.equal(await page.getAttribute('kefu-chat >> form.prechat input[name=name]', 'aria-invalid'), 'true');
  assert.equal((await activeInWidget(page))?.tag, 'INPUT', 'focus moves to the field in error');
  assert.deepEqual(await seriousViolations(page), [], 'pre-chat form with an error');
  await page.fill('kefu-chat >> form.prechat input[name=name]', 'Wang Fang');
  await page.click('kefu-chat >> form.prechat button[type=submit]');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=bot]');

  const conversationId = await welcomed;
  await page.click('kefu-chat >> button.handoff');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=queued]');
  await agent.request({ type: 'accept', conversationId });
  await page.waitForSelector('kefu-chat >> .panel[data-phase=with_agent]');
  await agent.request({ type: 'end', conversationId });
  await page.waitForSelector('kefu-chat >> form.rating');
  await page.focus('kefu-chat >> form.rating input[value="4"]');
  await page.keyboard.press('Space');
  assert.equal(await page.$$eval('kefu-chat >> form.rating label.star.on', (stars) => stars.length), 4);
  assert.deepEqual(await seriousViolations(page), [], 'rating form');
  agent.close();
  await context.close();
});
