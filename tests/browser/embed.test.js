import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchPage } from './chromium.js';
import { snippetCode } from '../../scripts/snippet.mjs';
import { conversation, dataAttributePage, routeHostPage, screenshot, useKefuWorld, widgetOnline } from './kefu-server.js';

const world = useKefuWorld();

test('snippet on a plain page: calls queued before the loader run in order; the bot answers from the KB; the message is delivered', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'snippet.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script>
  ${snippetCode()}
  Kefu('on', 'ready', function (detail) { window.kefuReady = detail; });
  Kefu('on', 'error', function (error) { (window.kefuErrors = window.kefuErrors || []).push(error.code); });
  Kefu('boot', { siteId: 'demo', locale: 'zh-TW', serverUrl: '${world.server.wsUrl}' });
  Kefu('send', '怎麼退款');
</script>
<script async src="/kefu/kefu-loader.js"></script></head><body><h1>Shop</h1></body></html>`,
    { csp: null },
  );
  await page.goto(url);
  await page.waitForFunction(() => window.kefuReady, null, { timeout: 15_000 });
  assert.deepEqual(await page.evaluate(() => window.kefuReady), { leader: true });
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached', timeout: 10_000 });
  const messages = await conversation(page);
  assert.deepEqual(messages[0], ['visitor', '怎麼退款', 'delivered']);
  assert.equal(messages[1][0], 'bot');
  assert.match(messages[1][1], /退款/);
  assert.equal(await page.getAttribute('kefu-chat >> button.launcher', 'aria-label'), '線上客服');
  await screenshot(page, 'launcher');
  // Booting again, or running the loader twice, changes nothing.
  await page.evaluate(() => window.Kefu('boot', { siteId: 'other' }));
  await page.addScriptTag({ url: '/kefu/kefu-loader.js' });
  assert.equal(await page.evaluate(() => document.querySelectorAll('kefu-chat').length), 1);
  assert.equal(await page.evaluate(() => window.kefuErrors), undefined);

  // shutdown removes everything; booting again picks the stored conversation back up.
  await page.evaluate(() => {
    window.Kefu('shutdown');
    window.kefuReady = null;
  });
  assert.equal(await page.evaluate(() => document.querySelectorAll('kefu-chat').length), 0);
  await page.evaluate((serverUrl) => {
    window.Kefu('boot', { siteId: 'demo', locale: 'zh-TW', serverUrl });
    window.Kefu('open');
  }, world.server.wsUrl);
  await page.waitForFunction(() => window.kefuReady, null, { timeout: 15_000 });
  await widgetOnline(page);
  assert.deepEqual((await conversation(page)).slice(0, 2), messages.slice(0, 2));
  assert.deepEqual(problems, []);
  await page.close();
});

test('ES module: import {boot, open, on} from the package entry boots the same widget', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  await page.route(`${world.server.httpUrl}/test/app.js`, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `import { boot, on, open, send } from '/web/index.js';
on('ready', (detail) => { window.kefuReady = detail; });
on('open', () => { window.kefuOpened = true; });
boot({ siteId: 'demo', locale: 'en', user: { id: 'u-9', name: 'Lin' } }); // serverUrl and assetBase default to this origin
open();
send('How do I get a refund?');`,
    }),
  );
  const hellos = [];
  page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => JSON.parse(String(payload)).type === 'hello' && hellos.push(JSON.parse(String(payload)))));
  const url = await routeHostPage(page, world.server.httpUrl, 'esm.html', '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>App</title><script type="module" src="/test/app.js"></script></head><body><h1>App</h1></body></html>');
  await page.goto(url);
  await page.waitForFunction(() => window.kefuReady && window.kefuOpened, null, { timeout: 15_000 });
  await page.waitForSelector('kefu-chat >> .panel:not([hidden]) .messages li.bot', { timeout: 10_000 });
  const messages = await conversation(page);
  assert.equal(messages[0][1], 'How do I get a refund?');
  assert.match(messages[1][1], /refund/i);
  assert.equal(await page.textContent('kefu-chat >> .title'), 'Customer service');
  await widgetOnline(page);
  assert.deepEqual(hellos.map((hello) => hello.identity), [{ id: 'u-9', name: 'Lin' }], 'boot({user}) identifies the visitor in hello');
  assert.deepEqual(problems, []);
  await page.close();
});

test('strict-CSP host page: the widget loads from data attributes and chats with zero CSP violations', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'strict.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  assert.equal(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName), 'TEXTAREA', 'focus moves into the composer');

  await page.fill('kefu-chat >> textarea', '忘记密码了怎么办');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.bot');
  assert.match((await conversation(page))[1][1], /忘记密码/);

  // A vague question gets "did you mean" choices; choosing one answers it.
  await page.fill('kefu-chat >> textarea', '付款');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .quick-replies .chip');
  const choice = await page.textContent('kefu-chat >> .quick-replies .chip');
  await page.click('kefu-chat >> .quick-replies .chip');
  await page.waitForFunction((question) => {
    const items = [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.message')];
    return items.length >= 6 && items.at(-2).querySelector('.bubble').textContent === question;
  }, choice);

  // Typeahead: typing offers KB questions; ArrowDown + Enter picks one.
  await page.fill('kefu-chat >> textarea', '');
  await page.type('kefu-chat >> textarea', '退款');
  await page.waitForSelector('kefu-chat >> .typeahead:not([hidden]) li');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.getAttribute('kefu-chat >> textarea', 'aria-activedescendant'), 'kefu-option-0');
  const picked = await page.textContent('kefu-chat >> #kefu-option-0');
  await page.keyboard.press('Enter');
  await page.waitForFunction((question) => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor .bubble')].some((b) => b.textContent === question), picked);

  await screenshot(page, 'panel-zh-CN');

  // No agent is logged in: asking for a person offers the leave-a-message form.
  await page.click('kefu-chat >> button.handoff');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=offline] form.leave-message');
  await page.fill('kefu-chat >> form.leave-message textarea', '请回电');
  await page.fill('kefu-chat >> form.leave-message input[name=contact]', 'wang@example.com');
  await page.click('kefu-chat >> form.leave-message button[type=submit]');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=ticket_submitted]');
  await page.waitForFunction(() => /工单号是 \S+/.test(document.querySelector('kefu-chat').shadowRoot.querySelector('.footer').textContent));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the demo company website (/ and /en/) embeds the widget under its strict CSP without a single violation', async () => {
  for (const [path, label, question] of [
    ['/', '在线客服', '怎么导出笔记'],
    ['/en/', 'Chat with us', 'How do I export my notes?'],
  ]) {
    const page = await world.browser.newPage();
    const problems = await watchPage(page);
    await page.goto(`${world.server.httpUrl}${path}`);
    assert.equal(await page.getAttribute('kefu-chat >> button.launcher', 'aria-label'), label);
    await page.click('kefu-chat >> button.launcher');
    await widgetOnline(page);
    await page.fill('kefu-chat >> textarea', question);
    await page.keyboard.press('Enter');
    await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached' });
    assert.equal((await conversation(page))[1][0], 'bot', `${path}: the bot replied`);
    assert.deepEqual(problems, [], path);
    await page.close();
  }
});
