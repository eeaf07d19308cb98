import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchPage } from './chromium.js';
import { AgentClient } from './agent-client.js';
import { conversation, dataAttributePage, routeHostPage, switchableServerLine, useKefuWorld, widgetOnline } from './kefu-server.js';

const world = useKefuWorld();

/** What the server stored for the conversation: the visitor's texts, in order. */
async function storedVisitorTexts(conversationId) {
  const agent = await AgentClient.login(world.server, 'auditor');
  agent.send({ type: 'history', conversationId });
  const { messages } = await agent.next((frame) => frame.type === 'history');
  agent.close();
  return messages.filter((message) => message.author === 'visitor').map((message) => message.text);
}

function welcomedConversations(page) {
  const ids = new Set();
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload));
      if (frame.type === 'welcome') ids.add(frame.conversationId);
    }),
  );
  return ids;
}

// Questions the bot answers, so the conversation stays with the bot (two unanswered
// ones in a row would start a hand-off).
const TAB_TEXTS = ['How do I reset my password?', '怎么退款', '忘记密码了怎么办'];
async function waitUntil(condition, timeoutMs = 5000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const visitorTexts = async (page) => (await conversation(page)).filter(([author]) => author === 'visitor').map(([, text]) => text);

test('messages typed while the server is unreachable survive a reload and are delivered exactly once', async () => {
  const context = await world.browser.newContext();
  // The page's socket goes through a switch: refused at once while "offline".
  const line = await switchableServerLine(context);
  const page = await context.newPage();
  const problems = await watchPage(page);
  const conversations = welcomedConversations(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'offline.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);

  await line.cut();
  await page.waitForSelector('kefu-chat >> .panel:not([data-connection=online])');
  await page.waitForSelector('kefu-chat >> .banner:not([hidden])');
  assert.equal(await page.textContent('kefu-chat >> .banner'), '连接已断开，正在重新连接…');
  const typed = ['断网时的第一条', '怎么退款', '断网时的第三条'];
  for (const text of typed) {
    await page.fill('kefu-chat >> textarea', text);
    await page.keyboard.press('Enter');
  }
  // The bot still answers locally; nothing has reached the server.
  await page.waitForSelector('kefu-chat >> .messages li.bot');
  assert.deepEqual((await conversation(page)).filter(([author]) => author === 'visitor').map(([, , delivery]) => delivery), ['pending', 'pending', 'pending']);
  await page.waitForTimeout(300); // IndexedDB commits the journal

  line.restore();
  await page.reload();
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery=delivered]').length === 3, null, { timeout: 15_000 });
  assert.deepEqual(await visitorTexts(page), typed);
  assert.equal(conversations.size, 1, 'the reload continued the same conversation');
  assert.deepEqual(await storedVisitorTexts([...conversations][0]), typed);
  assert.deepEqual(problems.filter((problem) => !/WebSocket/.test(problem)), []);
  await context.close();
});

test('two tabs: one connection; a message typed in either is shown in both and stored once; closing the leader hands over', async () => {
  const context = await world.browser.newContext();
  const socketsOf = new Map();
  const url = await routeHostPage(context, world.server.httpUrl, 'tabs.html', dataAttributePage({ locale: 'en' }));
  const openTab = async () => {
    const page = await context.newPage();
    socketsOf.set(page, []);
    page.on('websocket', (socket) => socketsOf.get(page).push(socket));
    page.conversations = welcomedConversations(page);
    await page.goto(url);
    await page.evaluate(() => window.Kefu('on', 'ready', (detail) => (window.kefuReady = detail)));
    await page.click('kefu-chat >> button.launcher');
    await page.waitForFunction(() => window.kefuReady);
    return page;
  };
  const a = await openTab();
  await widgetOnline(a);
  const b = await openTab();
  await widgetOnline(b); // the leader's view, mirrored
  assert.deepEqual(await b.evaluate(() => window.kefuReady), { leader: false });
  assert.deepEqual([socketsOf.get(a).length, socketsOf.get(b).length], [1, 0], 'only the leader tab connects');

  await b.fill('kefu-chat >> textarea', TAB_TEXTS[0]);
  await b.keyboard.press('Enter');
  await a.fill('kefu-chat >> textarea', TAB_TEXTS[1]);
  await a.keyboard.press('Enter');
  for (const page of [a, b]) {
    await page.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery=delivered]').length === 2, null, { timeout: 10_000 });
    assert.deepEqual(await visitorTexts(page), [TAB_TEXTS[0], TAB_TEXTS[1]]);
  }

  await a.close(); // the leader goes; B takes the lock, restores from storage and connects
  await b.fill('kefu-chat >> textarea', TAB_TEXTS[2]);
  await b.keyboard.press('Enter');
  await b.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery=delivered]').length === 3, null, { timeout: 10_000 });
  assert.equal(socketsOf.get(b).length, 1, 'tab B opened the one connection');
  assert.deepEqual(await visitorTexts(b), [...TAB_TEXTS]);
  assert.deepEqual([...b.conversations], [...a.conversations], 'B continued A’s conversation');
  assert.deepEqual(await storedVisitorTexts([...a.conversations][0]), TAB_TEXTS);
  await context.close();
});

test('private mode with no storage at all: the visitor is told once that history is not kept, and chat still works', async () => {
  const context = await world.browser.newContext();
  await context.addInitScript(() => {
    // What some private modes and sandboxed webviews do: no IndexedDB, localStorage refusing.
    Object.defineProperty(window, 'indexedDB', { value: undefined });
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
  });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'private.html', dataAttributePage({ locale: 'en' })));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  assert.equal(await page.textContent('kefu-chat >> .notice:not([hidden])'), "Your browser is not keeping history for this chat; messages are still delivered while you are online.");
  await page.fill('kefu-chat >> textarea', 'How do I reset my password?');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached' });
  assert.equal(await page.$$eval('kefu-chat >> .notice', (notices) => notices.length), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a message never acknowledged is shown as not sent, with a retry button that delivers it once', async () => {
  const context = await world.browser.newContext();
  let dropMessages = false;
  await context.routeWebSocket(/\/ws$/, (socket) => {
    const server = socket.connectToServer();
    // Message frames vanish on the way (a broken proxy); everything else passes.
    socket.onMessage((text) => {
      if (dropMessages && JSON.parse(String(text)).type === 'message') return;
      server.send(text);
    });
  });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.clock.install();
  const conversations = welcomedConversations(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'retry.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  dropMessages = true;
  await page.fill('kefu-chat >> textarea', '忘记密码了怎么办');
  await page.keyboard.press('Enter');
  // An hour without an acknowledgement fails the message (docs/session.md, Outbox).
  await page.clock.fastForward('01:00:05');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=failed]', { timeout: 10_000 });
  assert.equal(await page.textContent('kefu-chat >> .messages li.visitor .delivery'), '发送失败重新发送');
  dropMessages = false;
  await page.click('kefu-chat >> .messages li.visitor .delivery button');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached', timeout: 10_000 });
  assert.deepEqual(await storedVisitorTexts([...conversations][0]), ['忘记密码了怎么办']);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [trigger, fire] of [
  ['the browser coming back online', () => window.dispatchEvent(new Event('online'))],
  ['the tab becoming visible again', () => document.dispatchEvent(new Event('visibilitychange'))],
]) {
  test(`${trigger} reconnects at once instead of waiting out the backoff`, async () => {
    const context = await world.browser.newContext();
    const line = await switchableServerLine(context);
    const { sockets } = line;
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(await routeHostPage(page, world.server.httpUrl, 'online.html', dataAttributePage({ locale: 'en' })));
    await page.click('kefu-chat >> button.launcher');
    await widgetOnline(page);
    await line.cut();
    // Failed attempts, 30 s of page time apart (each jump fires the due timer once): the
    // backoff is long now.
    for (let i = 0; i < 6; i += 1) {
      const before = sockets.length;
      await page.clock.fastForward('00:30');
      await waitUntil(() => sockets.length > before);
      await page.waitForTimeout(50); // the refused socket's close reaches the page
    }
    const attempts = sockets.length;
    assert.ok(attempts >= 6, `reconnect attempts while unreachable: ${attempts}`);
    // Stop the page's clock: from here no timer fires, so only the nudge can reconnect.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
    line.restore();
    await page.evaluate(fire);
    await widgetOnline(page, 5_000);
    assert.equal(sockets.length, attempts + 1);
    await context.close();
  });
}
