// The agent console's desk features in headless Chromium under the strict CSP, against a
// real server and protocol-level visitors (issue 18): many chats at once (unread counts,
// last message, drafts, alerts, title badge, keyboard), the visitor panel, KB assist,
// canned replies and internal notes, tickets and reports. Each view is screenshotted to
// test-results/screenshots/console-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchChromium, watchPage } from '../browser/chromium.js';
import { startTestServer } from './helpers/running-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { signUserId } from '../../server/security/identity.js';
import { logInPage, openConsole as openAgentConsole } from './helpers/console-session.js';

const SECRET = 'desk-test-secret';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

let server;
let browser;
before(async () => {
  server = await startTestServer({ config: { sites: { demo: { identitySecret: SECRET, ticketFirstResponseHours: 4 } } } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  server?.removeData();
});

async function screenshot(page, name) {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/console-${name}.png`, fullPage: false });
}

// Teams by name, made once: two consoles of one team share its canned replies.
const teamIds = new Map();
async function teamNamed(name) {
  if (!teamIds.has(name)) teamIds.set(name, (await server.teams.create({ name })).team.id);
  return teamIds.get(name);
}

// An agent account (in `team` if given) and its console signed in through the login form.
async function openConsole(name, team = '') {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await page.addInitScript(() => {
    window.__alerts = [];
    document.addEventListener('kefu-console-alert', (event) => window.__alerts.push(event.detail));
  });
  await logInPage(page, server, { name, teamIds: team ? [await teamNamed(team)] : [] });
  return { context, page, problems };
}

// A visitor who asked for a person; resolves once the hand-off is queued.
async function waitingVisitor({ text, identity, page, headers, visitorId, sessionToken } = {}) {
  const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin, headers });
  const fields = {};
  if (identity) fields.identity = identity;
  if (page) fields.page = page;
  if (visitorId) fields.visitorId = visitorId;
  if (sessionToken) fields.sessionToken = sessionToken;
  const welcome = await helloVisitor(visitor, fields);
  await visitor.request({ type: 'message', cmid: 'c1', cseq: 1, text, clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
  visitor.send({ type: 'handoff', reason: 'unanswered' });
  await visitor.next((f) => f.event === 'queued');
  return { visitor, welcome };
}

const row = (page, name) => page.locator(`#conversations li:has-text("${name}")`);

test('many chats: unread counts and last message per row, drafts kept per chat, an alert and the title badge for another chat, keyboard next / accept / send / end', async () => {
  const { context, page, problems } = await openConsole('小周');
  const a = await waitingVisitor({ text: '发票抬头怎么改', identity: { id: 'u-a', name: 'Alice', hash: signUserId(SECRET, 'u-a') } });
  const b = await waitingVisitor({ text: '火星快递多久到', identity: { id: 'u-b', name: 'Bob', hash: signUserId(SECRET, 'u-b') } });
  await row(page, 'Alice').waitFor();
  await row(page, 'Bob').waitFor();
  assert.match(await row(page, 'Bob').innerText(), /火星快递多久到[\s\S]*waiting/, 'the row shows the last message and that the visitor waits');
  assert.equal(await row(page, 'Bob').locator('.site').innerText(), 'demo');

  // Open Alice, accept her with the keyboard, and leave a draft.
  await row(page, 'Alice').locator('button').click();
  await page.waitForSelector('#messages li:has-text("发票抬头怎么改")');
  await page.keyboard.press('Alt+KeyA');
  await a.visitor.next((f) => f.event === 'agent_joined');
  await page.waitForSelector('#reply:not([disabled])');
  await page.fill('#reply', '给 Alice 的草稿');

  // Bob writes while Alice's chat is open: his row counts it, an alert goes off, the title says so.
  const alertsBefore = await page.evaluate(() => window.__alerts.length);
  await b.visitor.request({ type: 'message', cmid: 'c2', cseq: 2, text: '还在吗？', clientTime: 2 }, 'ack');
  // His first message (before the hand-off) and this one.
  await page.waitForFunction(() => [...document.querySelectorAll('#conversations li')].some((li) => li.textContent.includes('Bob') && li.querySelector('.unread').textContent === '2'));
  assert.match(await row(page, 'Bob').locator('.preview').innerText(), /还在吗？/);
  const alert = await page.evaluate((n) => window.__alerts.slice(n).find((a) => a.body.includes('还在吗？')), alertsBefore);
  assert.ok(alert, 'a message in another chat alerts the agent');
  // Alice's own message while her chat is open and the tab visible: no alert.
  await a.visitor.request({ type: 'message', cmid: 'c2', cseq: 2, text: '好的谢谢', clientTime: 2 }, 'ack');
  await page.waitForSelector('#messages li:has-text("好的谢谢")');
  assert.equal(await page.evaluate(() => window.__alerts.some((a) => a.body.includes('好的谢谢'))), false);
  assert.match(await page.title(), /^\(\d+\) /, 'the title carries a badge');
  await screenshot(page, 'chats');

  // Alt+J to the next chat (Bob): his unread count clears; the draft of Alice's stays hers.
  await page.keyboard.press('Alt+KeyJ');
  await page.waitForSelector('#conversation-title:text("Bob")');
  assert.equal(await page.inputValue('#reply'), '');
  await page.waitForFunction(() => [...document.querySelectorAll('#conversations li')].some((li) => li.textContent.includes('Bob') && li.querySelector('.unread').textContent === ''));
  await page.keyboard.press('Alt+KeyK');
  await page.waitForSelector('#conversation-title:text("Alice")');
  assert.equal(await page.inputValue('#reply'), '给 Alice 的草稿', 'the draft is kept per conversation');

  // Enter sends, Alt+E ends.
  await page.focus('#reply');
  await page.keyboard.press('Enter');
  const sent = await a.visitor.next('msg');
  assert.equal(sent.text, '给 Alice 的草稿');
  await page.keyboard.press('Alt+KeyE');
  await a.visitor.next((f) => f.event === 'ended');
  assert.deepEqual(problems, []);
  await a.visitor.close();
  await b.visitor.close();
  await context.close();
});

test('visitor context: page, referrer, time zone, device / browser / OS from the user agent, verified identity, navigation, earlier conversations and tickets', async () => {
  // An earlier visit of the same signed-in user left a ticket.
  const identity = { id: 'u-carol', name: 'Carol', email: 'carol@example.com', hash: signUserId(SECRET, 'u-carol') };
  const earlier = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(earlier, { identity, visitorId: 'v-carol' });
  await earlier.request({ type: 'ticket', cmid: 't1', message: '上次的发票没收到', contact: 'carol@example.com' }, (f) => f.event === 'ticket_created');
  await earlier.close();

  const { context, page, problems } = await openConsole('小吴');
  const { visitor } = await waitingVisitor({
    text: '我想升级套餐', identity, visitorId: 'v-carol-2', headers: { 'User-Agent': WINDOWS_CHROME },
    page: { url: 'https://shop.example/pricing?plan=pro', title: 'Pricing 价格', referrer: 'https://search.example/?q=notes', timeZone: 'Asia/Shanghai' },
  });
  await row(page, 'Carol').locator('button').click();
  await page.waitForSelector('#visitor dd:has-text("Pricing 价格")');
  const panel = await page.locator('#visitor').innerText();
  for (const expected of ['u-carol', 'carol@example.com', 'https://shop.example/pricing?plan=pro', 'https://search.example/?q=notes', 'Asia/Shanghai', 'desktop', 'Chrome 120', 'Windows', 'zh-CN', '上次的发票没收到']) {
    assert.ok(panel.includes(expected), `the visitor panel shows ${expected}: ${panel}`);
  }
  assert.match(panel, /Earlier conversations 历史会话 \(1\)/);
  // A link only for http(s) pages.
  assert.equal(await page.locator('#visitor a[href="https://shop.example/pricing?plan=pro"]').count(), 1);

  // The visitor moves to another page of the site: the panel follows.
  visitor.send({ type: 'page', page: { url: 'https://shop.example/checkout', title: 'Checkout 结账' } });
  await page.waitForSelector('#visitor dd:has-text("Checkout 结账")');
  assert.match(await page.locator('#visitor .pages').innerText(), /Pricing 价格[\s\S]*Checkout 结账/);
  await screenshot(page, 'visitor');
  assert.deepEqual(problems, []);
  await visitor.close();
  await context.close();
});

test('the real widget reports its page on hello and when the visitor navigates within the site', async () => {
  const { context, page, problems } = await openConsole('小冯');
  const site = await browser.newContext();
  const visitorPage = await site.newPage();
  const visitorProblems = await watchPage(visitorPage);
  const ids = () => page.locator('#conversations li').evaluateAll((items) => items.map((li) => li.dataset.conversation));
  const before = new Set(await ids());
  await visitorPage.goto(`${server.httpUrl}/?from=ad#secret-fragment`);
  const title = await visitorPage.title();
  await visitorPage.click('kefu-chat >> button.launcher');
  await visitorPage.waitForSelector('kefu-chat >> .panel[data-connection=online]');
  await visitorPage.click('kefu-chat >> button.handoff');
  await visitorPage.waitForSelector('kefu-chat >> .panel[data-phase=queued]');
  // The widget's conversation: the row that was not there before.
  let fresh;
  while (!fresh) {
    fresh = (await ids()).find((id) => !before.has(id));
    if (!fresh) await page.waitForTimeout(50);
  }
  await page.click(`#conversations li[data-conversation="${fresh}"] button`);
  await page.waitForSelector(`#visitor dd:has-text("${title}")`);
  const panel = await page.locator('#visitor').innerText();
  assert.ok(panel.includes(`${server.httpUrl}/?from=ad`), panel);
  assert.ok(!panel.includes('secret-fragment'), 'the URL fragment is not reported');
  assert.match(panel, /Chrom/, 'the browser parsed from the user agent');
  // A single-page-app navigation: the console follows without a reconnect.
  await visitorPage.evaluate(() => {
    history.pushState({}, '', '/pricing-spa');
    document.title = '价格 Pricing';
  });
  await page.waitForSelector('#visitor dd:has-text("价格 Pricing")');
  assert.match(await page.locator('#visitor').innerText(), /\/pricing-spa/);
  // A URL longer than the protocol's text limit is cut, not refused.
  await visitorPage.evaluate(() => history.pushState({}, '', `/long?q=${'x'.repeat(5000)}`));
  await page.waitForSelector('#visitor a[href*="/long?q=xxxx"]');
  assert.equal((await page.locator('#visitor a[href*="/long?q="]').getAttribute('href')).length, 2000);
  assert.deepEqual(problems, []);
  assert.deepEqual(visitorProblems, []);
  await site.close();
  await context.close();
});

test('agent assist: the KB answers to a visitor message with tier and score, one click puts the answer in the composer; bot turns before the hand-off show', async () => {
  const { context, page, problems } = await openConsole('小郑');
  const { visitor } = await waitingVisitor({ text: '我忘记密码了，登录不了', identity: { id: 'u-dan', name: 'Dan', hash: signUserId(SECRET, 'u-dan') } });
  await row(page, 'Dan').locator('button').click();
  await page.click('#accept');
  await visitor.next((f) => f.event === 'agent_joined');
  await page.waitForSelector('#assist .assist-list li');
  const assist = await page.locator('#assist').innerText();
  assert.match(assist, /怎么重置密码？/, 'the matching FAQ is offered');
  assert.match(assist, /score 得分 \d\.\d\d/);
  assert.match(assist, /bot tier 机器人判定/);
  assert.match(await page.locator('#messages .from-visitor').first().innerText(), /not answered|suggested|answered/, 'the bot turn shows its tier');
  await page.locator('#assist button', { hasText: 'Use' }).first().click();
  assert.match(await page.inputValue('#reply'), /忘记密码/, 'the answer is in the composer to edit');
  await page.keyboard.press('Enter');
  assert.match((await visitor.next('msg')).text, /忘记密码/);

  // A later visitor message gets its own answers.
  await visitor.request({ type: 'message', cmid: 'c2', cseq: 2, text: '怎么退款', clientTime: 2 }, 'ack');
  await page.waitForSelector('#assist .assist-question:has-text("怎么退款")');
  assert.match(await page.locator('#assist').innerText(), /如何申请退款？/);
  await screenshot(page, 'assist');
  assert.deepEqual(problems, []);
  await visitor.close();
  await context.close();
});

test('canned replies per team with /shortcut and variables; internal notes reach agents and never the visitor', async () => {
  const { context, page, problems } = await openConsole('小陈', '售后');
  await page.click('[data-view=canned]');
  await page.fill('#canned-shortcut', 'hello');
  await page.fill('#canned-text', '{visitor.name} 您好，我是 {agent.name}，很高兴为您服务。');
  await page.click('#canned-form button[type=submit]');
  await page.waitForSelector('#canned-list td:text("/hello")');
  await screenshot(page, 'canned');
  // Another team does not see it.
  const { client: other } = await openAgentConsole(server, { name: '小林', teamIds: [await teamNamed('售前')] });
  assert.deepEqual((await other.request({ type: 'canned' }, 'canned')).replies, []);
  await other.close();

  await page.click('[data-view=chats]');
  const { visitor, welcome } = await waitingVisitor({ text: '想咨询保修', identity: { id: 'u-eve', name: 'Eve', hash: signUserId(SECRET, 'u-eve') } });
  await row(page, 'Eve').locator('button').click();
  await page.click('#accept');
  await visitor.next((f) => f.event === 'agent_joined');
  await page.waitForSelector('#reply:not([disabled])');
  await page.fill('#reply', '/hel');
  await page.waitForSelector('#canned-suggestions li:has-text("/hello")');
  await page.keyboard.press('Enter');
  assert.equal(await page.inputValue('#reply'), 'Eve 您好，我是 小陈，很高兴为您服务。');
  await page.keyboard.press('Enter');
  assert.equal((await visitor.next('msg')).text, 'Eve 您好，我是 小陈，很高兴为您服务。');

  // An internal note: shown in the console, stored, never sent to the visitor.
  await page.check('#composer input[value=note]');
  await page.fill('#reply', '内部：此客户保修已过期');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#messages .note:has-text("内部：此客户保修已过期")');
  await screenshot(page, 'note');
  // A message after the note: the visitor's next frame is that message, not the note.
  await page.check('#composer input[value=reply]');
  await page.fill('#reply', '请稍等');
  await page.keyboard.press('Enter');
  assert.equal((await visitor.next('msg')).text, '请稍等');
  const resync = await visitor.request({ type: 'resync', afterSeq: 0 }, 'resync');
  const seen = JSON.stringify([...visitor.drain(), resync]);
  assert.ok(!seen.includes('保修已过期'), 'no visitor frame carries the note');
  // A fresh connection to the conversation (the widget reopened) does not get it either.
  const again = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(again, { sessionToken: welcome.sessionToken, identity: { id: 'u-eve', name: 'Eve', hash: signUserId(SECRET, 'u-eve') } });
  const history = await again.request({ type: 'resync', afterSeq: 0 }, 'resync');
  assert.ok(!JSON.stringify(history).includes('保修已过期'));
  assert.equal(history.messages.at(-1).text, '请稍等');
  // The note survives a reload of the console (the session cookie signs it in again).
  await page.reload();
  await page.waitForSelector('#desk:not([hidden])');
  await row(page, 'Eve').locator('button').click();
  await page.waitForSelector('#messages .note:has-text("内部：此客户保修已过期")');
  assert.deepEqual(problems, []);
  await again.close();
  await visitor.close();
  await context.close();
});

test('canned replies reach the team\'s other open consoles at once, without a reload; another team hears nothing', async () => {
  const writer = await openConsole('小韩', '物流');
  const reader = await openConsole('小冯', '物流');
  const { client: elsewhere } = await openAgentConsole(server, { name: '小邓', teamIds: [await teamNamed('售前')] });
  // The reader has its list on screen (and the composer's `/` search reads the same list).
  await reader.page.click('[data-view=canned]');
  await writer.page.click('[data-view=canned]');
  await writer.page.fill('#canned-shortcut', 'ship');
  await writer.page.fill('#canned-text', '{visitor.name} 您好，您的包裹已发出。');
  await writer.page.click('#canned-form button[type=submit]');
  await reader.page.waitForSelector('#canned-list td:text("/ship")', { timeout: 5000 });
  await writer.page.click('#canned-list tr:has-text("/ship") button');
  await reader.page.waitForSelector('#canned-list td:text("/ship")', { state: 'detached', timeout: 5000 });
  // The other team's console: a round trip after both edits, and no word of them.
  assert.deepEqual((await elsewhere.request({ type: 'canned' }, 'canned')).replies, []);
  assert.deepEqual(elsewhere.drain().filter((f) => f.type.startsWith('canned')), []);
  assert.deepEqual([...writer.problems, ...reader.problems], []);
  await elsewhere.close();
  await writer.context.close();
  await reader.context.close();
});

test('tickets: status, priority, assignee, notes, a reply that reaches the visitor when the widget opens next, the due time, filters and CSV', async () => {
  const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(visitor, { visitorId: 'v-frank' });
  const { ticketId } = await visitor.request({ type: 'ticket', cmid: 't1', message: '请回电：订单 1234 未到', contact: '13800000000' }, (f) => f.event === 'ticket_created');
  await visitor.close(); // the visitor left; the reply must wait for them

  const { context, page, problems } = await openConsole('小孙');
  await page.click('[data-view=tickets]');
  const ticketRow = page.locator(`#tickets tr[data-ticket="${ticketId}"]`);
  await ticketRow.waitFor();
  await ticketRow.locator('button').click();
  await page.waitForSelector('#ticket-detail:has-text("13800000000")');
  await page.selectOption('#ticket-priority', 'urgent');
  await page.waitForSelector(`#tickets tr[data-ticket="${ticketId}"]:has-text("urgent")`);
  await page.selectOption('#ticket-assignee-kind', 'team');
  await page.fill('#ticket-assignee', '物流组');
  await page.click('#ticket-assign');
  await page.waitForSelector(`#tickets tr[data-ticket="${ticketId}"]:has-text("物流组")`);
  await page.fill('#ticket-text', '已联系仓库');
  await page.click('#ticket-note');
  await page.waitForSelector('#ticket-detail .note:has-text("已联系仓库")');
  await page.fill('#ticket-text', '您的订单已重新发出，明天送达。');
  await page.click('#ticket-reply');
  await page.waitForSelector(`#tickets tr[data-ticket="${ticketId}"][data-status=pending]`);
  assert.match(await ticketRow.innerText(), /answered 已回复/, 'the first response is recorded');
  await screenshot(page, 'tickets');

  // The visitor opens the widget again: the reply is in their conversation, the note is not.
  const back = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(back, { sessionToken: welcome.sessionToken, visitorId: 'v-frank' });
  const { messages } = await back.request({ type: 'resync', afterSeq: 0 }, 'resync');
  assert.deepEqual(messages.map((m) => [m.author, m.name, m.text]), [['agent', '小孙', '您的订单已重新发出，明天送达。']]);
  assert.ok(!JSON.stringify(messages).includes('已联系仓库'));
  await back.close();

  // Due time: created + the site's 4 hours.
  const dueShown = await ticketRow.locator('td').nth(3).innerText();
  assert.match(dueShown, /answered/);
  await page.selectOption('#ticket-status', 'solved');
  await page.waitForSelector(`#tickets tr[data-ticket="${ticketId}"][data-status=solved]`);
  await page.selectOption('#filter-status', 'open');
  await page.waitForSelector(`#tickets tr[data-ticket="${ticketId}"]`, { state: 'detached' });
  await page.selectOption('#filter-status', 'solved');
  await page.fill('#filter-assignee', '物流');
  await ticketRow.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tickets-export')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const [header, line] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(header, /^id,site,created,status,priority,assignee_kind,assignee,first_response_due/);
  assert.match(line, new RegExp(`^${ticketId},demo,[^,]+,solved,urgent,team,物流组,`));
  const due = Date.parse(line.split(',')[7]);
  const created = Date.parse(line.split(',')[2]);
  assert.equal(due - created, 4 * 3_600_000, 'first response due = created + the site\'s ticketFirstResponseHours');
  assert.deepEqual(problems, []);
  await context.close();
});

test('reports: per day, site, team and agent with SVG charts readable without colour, CSV; hot questions with a daily trend and CSV', async () => {
  const { context, page, problems } = await openConsole('小何', '售后');
  const { visitor } = await waitingVisitor({ text: '有没有企业版发票', identity: { id: 'u-gus', name: 'Gus', hash: signUserId(SECRET, 'u-gus') } });
  await row(page, 'Gus').locator('button').click();
  await page.click('#accept');
  await visitor.next((f) => f.event === 'agent_joined');
  await page.fill('#reply', '有的');
  await page.keyboard.press('Enter');
  await visitor.next('msg');
  await page.click('#end');
  await visitor.next((f) => f.event === 'rating_requested');
  visitor.send({ type: 'rate', stars: 2, comment: '' });
  await visitor.close();

  await page.click('[data-view=reports]');
  await page.selectOption('#report-by', 'agent');
  await page.waitForSelector('#report-table tr:has-text("小何")');
  const agentRow = await page.locator('#report-table tr:has-text("小何")').innerText();
  assert.match(agentRow, /小何\s+1\s+0%\s+0 \/ 0 \/ 1/, 'one conversation, handed off because the bot could not answer');
  assert.match(agentRow, /2\.00\s+0 \/ 1 \/ 0 \/ 0 \/ 0/, 'CSAT average and distribution');
  // Every bar's value is printed as text, and stacked parts differ by pattern, not colour alone.
  const charts = page.locator('#report-charts svg');
  assert.equal(await charts.count(), 5);
  assert.ok(await page.locator('#report-charts svg text.chart-value').count() >= 5);
  assert.ok(await page.locator('#report-charts svg rect[fill^="url(#"]').count() > 0, 'stacked segments are patterned');
  await page.selectOption('#report-by', 'team');
  await page.waitForSelector('#report-table tr:has-text("售后")');
  await page.selectOption('#report-by', 'site');
  await page.waitForSelector('#report-table tr:has-text("demo")');
  await page.selectOption('#report-by', 'day');
  await page.waitForSelector(`#report-table tr:has-text("${new Date().toISOString().slice(0, 10)}")`);
  await screenshot(page, 'reports');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-export')]);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  assert.match(csv, /^day,conversations,bot_resolved,bot_resolved_share,handoffs,handoff_visitor,handoff_keyword,handoff_unanswered,first_response_p50_s/);

  await page.click('[data-view=hot]');
  await page.waitForSelector('#hot-questions li:has-text("有没有企业版发票")');
  assert.match(await page.locator('#hot-questions li:has-text("有没有企业版发票")').innerText(), /today 今日 1 ↑/);
  assert.equal(await page.locator('#hot-questions li:has-text("有没有企业版发票") svg[aria-label*="0, 0, 0, 0, 0, 0, 1"]').count(), 1, 'the 7-day trend ends with today\'s count');
  await screenshot(page, 'hot-questions');
  const [hot] = await Promise.all([page.waitForEvent('download'), page.click('#hot-export')]);
  assert.match(readFileSync(await hot.path(), 'utf8'), /有没有企业版发票,\d+,/);

  await page.click('[data-view=ratings]');
  await page.waitForSelector('#ratings tr');
  await screenshot(page, 'ratings');
  assert.deepEqual(problems, []);
  await context.close();
});

test('axe-core finds no serious or critical problems in the chats (a conversation open, canned list showing), tickets and reports views', async () => {
  // axe is injected as an inline script, which the strict CSP would (rightly) block.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await logInPage(page, server, { name: '小马', teamIds: [await teamNamed('售后')] });
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const serious = async () => (await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }))).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  // This test's own canned reply and ticket, so it does not lean on the others.
  const { client: colleague } = await openAgentConsole(server, { name: '小牛', teamIds: [await teamNamed('售后')] });
  await colleague.request({ type: 'canned_save', shortcut: 'axe', text: '您好' }, 'canned');
  await colleague.close();
  const leaver = await SocketClient.open(server.wsUrl, { origin: server.origin });
  await helloVisitor(leaver);
  await leaver.request({ type: 'ticket', cmid: 't-axe', message: '请回电', contact: '' }, (f) => f.event === 'ticket_created');
  await leaver.close();
  const { visitor } = await waitingVisitor({ text: '怎么退款', identity: { id: 'u-axe', name: 'Axe', hash: signUserId(SECRET, 'u-axe') } });
  await row(page, 'Axe').locator('button').click();
  await page.click('#accept');
  await page.waitForSelector('#assist .assist-list li');
  await page.fill('#reply', '/');
  await page.waitForSelector('#canned-suggestions li');
  assert.deepEqual(await serious(), [], 'chats');
  await page.click('[data-view=tickets]');
  await page.locator('#tickets tr button').first().click();
  await page.waitForSelector('#ticket-detail:not([hidden])');
  assert.deepEqual(await serious(), [], 'tickets');
  await page.click('[data-view=reports]');
  await page.waitForSelector('#report-charts svg');
  assert.deepEqual(await serious(), [], 'reports');
  await visitor.close();
  await context.close();
});

test('login view screenshot', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${server.httpUrl}/console/`);
  await screenshot(page, 'login');
  await context.close();
});

test('a long list draws only the rows in view: a message to a conversation out of view shows when the agent scrolls to it, and next chat scrolls its row into view', async () => {
  const { context, page, problems } = await openConsole('小欧');
  const visitors = [];
  for (let i = 1; i <= 40; i += 10) {
    visitors.push(...await Promise.all(Array.from({ length: 10 }, (_, j) => waitingVisitor({ text: `排队问题 ${i + j}`, identity: { id: `u-q${i + j}`, name: `Queue${i + j}`, hash: signUserId(SECRET, `u-q${i + j}`) } }))));
  }
  // Waiting visitors are listed in queue order: the last of these is at the bottom.
  await page.waitForFunction(() => Number(document.querySelector('#conversations li')?.getAttribute('aria-setsize')) >= 40);
  const listed = Number(await page.getAttribute('#conversations li >> nth=0', 'aria-setsize'));
  const drawn = await page.locator('#conversations li').count();
  assert.ok(drawn < listed, `${drawn} rows in the page for ${listed} conversations`);
  assert.equal(await row(page, 'Queue40').count(), 0, 'the last row is out of view');

  const last = visitors.at(-1).visitor;
  await last.request({ type: 'message', cmid: 'c2', cseq: 2, text: '还有人吗？最后一位', clientTime: 2 }, 'ack');
  await page.locator('.lists').evaluate((list) => { list.scrollTop = list.scrollHeight; });
  await row(page, 'Queue40').waitFor();
  assert.match(await row(page, 'Queue40').innerText(), /还有人吗？最后一位/);
  assert.equal(await row(page, 'Queue40').locator('.unread').innerText(), '2');

  // With Queue39 open and the list scrolled back to the top, Alt+J (next chat) opens
  // Queue40 and scrolls its row into view.
  await row(page, 'Queue39').locator('button').click();
  await page.locator('.lists').evaluate((list) => { list.scrollTop = 0; });
  await row(page, 'Queue39').waitFor({ state: 'detached' });
  await page.keyboard.press('Alt+KeyJ');
  await page.waitForSelector('#conversations li button[aria-current="true"]:has-text("Queue40")');
  assert.equal(await page.innerText('#conversation-title'), 'Queue40');
  assert.deepEqual(problems, []);
  await Promise.all(visitors.map(({ visitor }) => visitor.close()));
  await context.close();
});
