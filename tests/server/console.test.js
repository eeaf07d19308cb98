// The agent console page in headless Chromium under the strict CSP, against a real
// server and a protocol-level visitor: login, queue, accept, chat with read receipts,
// end, rating and hot questions, with no CSP violation or page error.
import { test, before, after } from 'node:test';
import { createServer } from 'node:http';
import assert from 'node:assert/strict';
import { launchChromium, watchPage } from '../browser/chromium.js';
import { startTestServer } from './helpers/running-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { logInPage } from './helpers/console-session.js';

let server;
let browser;
before(async () => {
  server = await startTestServer();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  server?.removeData();
});

test('an agent logs in, accepts a waiting visitor, chats, sees the read receipt, ends; the rating and the hot question show', async () => {
  const page = await browser.newPage();
  const problems = await watchPage(page);
  await logInPage(page, server, { name: '小李' });

  const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(visitor, { epoch: 'e' });
  // Markup typed by a visitor must show as text.
  await visitor.request({ type: 'message', cmid: 'c1', cseq: 1, text: '<img src=x>火星快递多久到', clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
  visitor.send({ type: 'handoff', reason: 'unanswered' });
  await page.waitForFunction(() => document.title.startsWith('(1) '));
  await page.click('#conversations li button');
  await page.waitForSelector('#messages li');
  assert.equal(await page.locator('#messages img').count(), 0);
  assert.match(await page.locator('#messages').innerText(), /<img src=x>火星快递多久到[\s\S]*|not answered/);
  assert.equal(await page.locator('#messages .tier-handoff').count(), 1, 'the bot turn shows its FAQ tier');

  await page.click('#accept');
  assert.equal((await visitor.next((f) => f.event === 'agent_joined')).name, '小李');
  visitor.send({ type: 'typing', on: true });
  await page.waitForSelector('#visitor-typing:not([hidden])');
  await page.fill('#reply', '您好，请问开什么类型的发票？');
  assert.equal((await visitor.next((f) => f.event === 'typing')).on, true, 'typing reaches the visitor');
  await page.press('#reply', 'Enter');
  const reply = await visitor.next('msg');
  assert.deepEqual([reply.author, reply.name, reply.text], ['agent', '小李', '您好，请问开什么类型的发票？']);
  await page.waitForSelector('.from-agent .receipt:text("Delivered 已送达")');
  visitor.send({ type: 'read', upToSeq: reply.seq });
  await page.waitForSelector('.from-agent .receipt:text("Read 已读")');

  await page.click('#end');
  await visitor.next((f) => f.event === 'rating_requested');
  visitor.send({ type: 'rate', stars: 4, comment: '<b>ok</b>' });
  await page.click('[data-view=ratings]');
  await page.waitForSelector('#ratings tr');
  assert.match(await page.locator('#ratings-summary').innerText(), /1 ratings.*4\.00/);
  assert.match(await page.locator('#ratings').innerText(), /<b>ok<\/b>/);
  await page.click('[data-view=hot]');
  await page.waitForSelector('#hot-questions li');
  assert.match(await page.locator('#hot-questions').innerText(), /火星快递多久到 ×1/);

  assert.deepEqual(problems, []);
  await visitor.close();
  await page.close();
});

test('"Back to bot" hands the visitor back to the bot and frees the agent', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  await logInPage(page, server, { name: '小王' });
  const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(visitor, { epoch: 'e2' });
  visitor.send({ type: 'handoff', reason: 'visitor' });
  await page.click(`#conversations li button`);
  await page.click('#accept');
  await visitor.next((f) => f.event === 'agent_joined');
  await page.click('#transfer');
  await visitor.next((f) => f.event === 'returned_to_bot');
  await page.waitForSelector('#conversation-meta:has-text("state 状态: bot")');
  assert.equal(await page.locator('#reply').isDisabled(), true, 'no replies into a conversation the bot has again');
  assert.ok(welcome.conversationId);
  assert.deepEqual(problems, []);
  await visitor.close();
  await context.close();
});

test('a wrong password keeps the login form up and says so', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.httpUrl}/console/`);
  await page.fill('#login-username', 'nobody');
  await page.fill('#login-password', 'not-the-password');
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#login-status:text("Wrong username or password")');
  assert.equal(await page.locator('#desk').isHidden(), true);
  await context.close();
});

// Issue 21, finding 8: the console acts with an agent's session, so no other page may frame
// it (clickjacking), and its socket may reach its own origin only.
test('a page on another origin cannot frame the console; the console connects to its own origin only', async () => {
  const response = await fetch(`${server.httpUrl}/console/`);
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(csp, /connect-src 'self';/, 'no ws: wildcard');
  const foreign = createServer((request, reply) => {
    reply.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    reply.end(`<!doctype html><title>foreign</title><iframe id="framed" src="${server.httpUrl}/console/"></iframe>`);
  });
  await new Promise((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  try {
    // localhost, not 127.0.0.1: another origin than the console's.
    await page.goto(`http://localhost:${foreign.address().port}/`);
    await page.waitForTimeout(500);
    const framed = page.frames().find((frame) => frame !== page.mainFrame());
    const loginShown = await framed.evaluate(() => Boolean(document.getElementById('login'))).catch(() => false);
    assert.equal(loginShown, false, 'the console did not render inside the foreign page');
  } finally {
    await page.close();
    await new Promise((resolve) => foreign.close(resolve));
  }
});

test('the hot-questions view pages through the groups', async () => {
  const paged = await startTestServer({ config: { limits: { hotQuestionsPageSize: 1 } } });
  const page = await browser.newPage();
  try {
    const visitor = await SocketClient.open(paged.wsUrl, { origin: paged.origin });
    await helloVisitor(visitor, { epoch: 'e' });
    await visitor.request({ type: 'message', cmid: 'c1', cseq: 1, text: '火星快递多久到', clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
    await visitor.request({ type: 'message', cmid: 'c2', cseq: 2, text: '火星快递多久到呀', clientTime: 2, bot: { tier: 'handoff' } }, 'ack');
    await visitor.request({ type: 'message', cmid: 'c3', cseq: 3, text: '恐龙蛋怎么煮', clientTime: 3, bot: { tier: 'handoff' } }, 'ack');
    await visitor.close();
    await logInPage(page, paged);
    await page.click('[data-view=hot]');
    await page.waitForSelector('#hot-questions li:has-text("火星快递多久到 ×2")');
    assert.match(await page.locator('#hot-summary').innerText(), /3 unanswered questions in 2 groups/);
    await page.click('#hot-pager button:has-text("Next")');
    await page.waitForSelector('#hot-questions li:has-text("恐龙蛋怎么煮 ×1")');
    assert.equal(await page.locator('#hot-pager button:has-text("Next")').isDisabled(), true);
    await page.click('#hot-pager button:has-text("Previous")');
    await page.waitForSelector('#hot-questions li:has-text("火星快递多久到 ×2")');
  } finally {
    await page.close();
    await paged.close();
    paged.removeData();
  }
});

test('on http://localhost the setup link makes the first admin; the Secure session cookie survives a reload; logout ends it', async () => {
  const fresh = await startTestServer();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = await watchPage(page);
    const setupToken = await fresh.accounts.setupToken();
    const base = `http://localhost:${new URL(fresh.httpUrl).port}`;
    await page.goto(`${base}/console/#setup=${setupToken}`);
    await page.waitForSelector('#setup:not([hidden])');
    assert.equal(new URL(page.url()).hash, '', 'the one-time token leaves the address bar');
    await page.fill('#setup-username', 'boss');
    await page.fill('#setup-name', '老板');
    await page.fill('#setup-password', 'correct horse battery');
    await page.click('#setup button[type=submit]');
    await page.waitForSelector('#desk:not([hidden])');
    const [cookie] = await context.cookies();
    assert.deepEqual([cookie.name, cookie.httpOnly, cookie.secure, cookie.sameSite], ['kefu_console', true, true, 'Strict']);
    assert.equal(await page.evaluate(() => document.cookie), '', 'no script can read it');
    await page.reload();
    await page.waitForSelector('#desk:not([hidden])');
    assert.match(await page.locator('#me-name').innerText(), /老板 \(admin\)/);
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await page.reload();
    await page.waitForSelector('#login:not([hidden])');
    assert.equal(await page.locator('#desk').isHidden(), true);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await fresh.close();
    fresh.removeData();
  }
});
