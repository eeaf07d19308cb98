// Two agents in two consoles (two browser contexts, so two session cookies) and an admin
// in a third, in headless Chromium: the admin builds the team on the admin page, visitors
// are assigned under each agent's limit, a transfer carries a note the visitor never
// sees, away takes no new chats, disabling an agent throws their console out at once,
// and an agent of another team sees nothing of this one (the team wall).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium, watchedPage } from './chromium.js';
import { screenshot } from './kefu-server.js';
import { startTestServer } from '../server/helpers/running-server.js';
import { SocketClient, helloVisitor } from '../server/helpers/socket-client.js';
import { TEST_PASSWORD, createAccount, logInPage } from '../server/helpers/console-session.js';

const isEvent = (name) => (f) => f.type === 'event' && f.event === name;
let server;
let browser;
before(async () => {
  const site = { businessHours: null, offlineWhenNoAgent: false };
  server = await startTestServer({ config: { agentReconnectGraceSeconds: 0.5, sites: { demo: site, shop: site } } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  server?.removeData();
});

const consolePage = () => watchedPage(browser, { width: 1280, height: 760 });

async function queuedVisitor(siteId = 'demo') {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, { siteId });
  await client.request({ type: 'message', cmid: 'q', cseq: 1, text: `${siteId} 的问题`, clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
  client.send({ type: 'handoff', reason: 'visitor' });
  return { client, conversationId: welcome.conversationId };
}

// Waits until exactly `count` rows of the conversation list contain `text`.
function activeItems(page, text, count) {
  return page.waitForFunction(([wanted, n]) => [...document.querySelectorAll('#conversations li')].filter((li) => li.textContent.includes(wanted)).length === n, [text, count]);
}
// A row of the one conversation list: waiting rows read "waiting 排队 #position", held
// ones "chatting 进行中 <agent>".
const WAITING_ROW = '#conversations li:has-text("waiting 排队 #")';

// Sets a row's multi-select on the admin page to exactly `values`, then saves the row.
async function saveRow(page, row, selectLabel, values, extra = async () => {}) {
  await page.selectOption(`${row} select[aria-label="${selectLabel}"]`, values);
  await extra();
  await page.click(`${row} button:has-text("Save")`);
  await page.waitForSelector('#admin-status:has-text("Saved")');
}

test('two agents, one team: limits, a transfer with a note, away, disable, and the team wall', async () => {
  // The admin builds the team and its agents on the admin page.
  const admin = await consolePage();
  await logInPage(admin.page, server, { name: 'Admin', role: 'admin' });
  await admin.page.click('[data-view=admin]');
  await admin.page.fill('#team-name', 'Support 售后');
  await admin.page.click('#new-team button[type=submit]');
  await admin.page.waitForSelector('tr[data-team="Support 售后"]');
  await saveRow(admin.page, 'tr[data-team="Support 售后"]', 'sites of Support 售后', ['demo']);
  for (const [username, name] of [['ann', 'Ann'], ['ben', 'Ben']]) {
    await admin.page.fill('#invite-username', username);
    await admin.page.fill('#invite-name', name);
    await admin.page.fill('#invite-password', TEST_PASSWORD);
    await admin.page.click('#invite button[type=submit]');
    await admin.page.waitForSelector(`tr[data-username="${username}"]`);
    await saveRow(admin.page, `tr[data-username="${username}"]`, `teams of ${username}`, [server.teams.list()[0].id], () => admin.page.fill(`input[aria-label="limit of ${username}"]`, '2'));
  }
  assert.match(await admin.page.locator('tr[data-username="ann"]').innerText(), /Support 售后/);
  await admin.page.locator('#new-team').scrollIntoViewIfNeeded();
  await screenshot(admin.page, 'console-admin-team-page');

  const ann = await consolePage();
  const ben = await consolePage();
  for (const [agent, username] of [[ann, 'ann'], [ben, 'ben']]) {
    await agent.page.goto(`${server.httpUrl}/console/`);
    await agent.page.fill('#login-username', username);
    await agent.page.fill('#login-password', TEST_PASSWORD);
    await agent.page.click('#login button[type=submit]');
    await agent.page.waitForSelector('#desk:not([hidden])');
  }

  // Four visitors, limit two each: two apiece, never three; the fifth waits.
  const visitors = [];
  for (let i = 0; i < 4; i += 1) {
    visitors.push(await queuedVisitor());
    await visitors[i].client.next(isEvent('agent_joined'));
  }
  const fifth = await queuedVisitor();
  assert.equal((await fifth.client.next(isEvent('queued'))).position, 1);
  const chatting = (name) => `#conversations li:has-text("chatting 进行中 ${name}")`;
  for (const [agent, name] of [[ann, 'Ann'], [ben, 'Ben']]) {
    await activeItems(agent.page, `chatting 进行中 ${name}`, 2);
    await agent.page.waitForSelector(WAITING_ROW);
  }
  await ann.page.click(`${chatting('Ann')} >> nth=0 >> button`);
  await ann.page.waitForSelector('#messages li');
  await screenshot(ann.page, 'console-two-agents-ann');
  await screenshot(ben.page, 'console-two-agents-ben');

  // Ann ends one: the waiting fifth is hers at once, the one with room.
  await ann.page.click(`${chatting('Ann')} >> nth=0 >> button`);
  await ann.page.click('#end');
  assert.equal((await fifth.client.next(isEvent('agent_joined'))).name, 'Ann');

  // Away: Ben has room after ending one, but takes nothing new until he is back.
  await ben.page.selectOption('#my-status', 'away');
  await ann.page.waitForSelector('#transfer-target option:has-text("Ben (away")', { state: 'attached' });
  await ben.page.click(`${chatting('Ben')} >> nth=0 >> button`);
  await ben.page.click('#end');
  const sixth = await queuedVisitor();
  assert.equal((await sixth.client.next(isEvent('queued'))).position, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(sixth.client.pending().filter(isEvent('agent_joined')).length, 0, 'nobody online with room');
  await ben.page.selectOption('#my-status', 'online');
  assert.equal((await sixth.client.next(isEvent('agent_joined'))).name, 'Ben');

  // Ann ends one and Ben transfers one of his to her with a note: she reads it, no visitor does.
  await ann.page.click(`${chatting('Ann')} >> nth=0 >> button`);
  await ann.page.click('#end');
  await ben.page.waitForSelector('#transfer-target option:has-text("Ann (online 1/2)")', { state: 'attached' });
  await ben.page.click(`${chatting('Ben')} >> nth=0 >> button`);
  const title = await ben.page.locator('#conversations li button[aria-current="true"] .name').innerText();
  const note = '客户要开增值税发票，已核实订单';
  await ben.page.selectOption('#transfer-target', { label: 'Ann (online 1/2)' });
  await ben.page.fill('#transfer-note', note);
  await ben.page.click('#transfer-send');
  await activeItems(ann.page, 'chatting 进行中 Ann', 2);
  await ann.page.click(`${chatting('Ann')}:has-text("${title}") button`);
  await ann.page.waitForSelector(`#notes li:has-text("${note}")`);
  assert.match(await ann.page.locator('#notes').innerText(), /Ben → Ann/);
  for (const visitor of [...visitors, fifth, sixth]) {
    assert.equal(JSON.stringify(visitor.client.drain()).includes(note), false, 'the note never reaches a visitor');
  }

  // The team wall: an agent of another team, on another site, sees none of this.
  const shopTeam = (await server.teams.create({ name: 'Shop', siteIds: ['shop'], pickFromQueue: true })).team;
  const cyAccount = await createAccount(server, { username: 'cy', name: 'Cy', teamIds: [shopTeam.id] });
  const cy = await consolePage();
  await cy.page.goto(`${server.httpUrl}/console/`);
  await cy.page.fill('#login-username', cyAccount.username);
  await cy.page.fill('#login-password', TEST_PASSWORD);
  await cy.page.click('#login button[type=submit]');
  await cy.page.waitForSelector('#desk:not([hidden])');
  const shopVisitor = await queuedVisitor('shop');
  await cy.page.waitForSelector(WAITING_ROW);
  assert.equal(await cy.page.locator('#conversations li:has-text("chatting 进行中")').count(), 0, 'none of the support team\'s chats');
  assert.deepEqual(await cy.page.$$eval('#site-filter option', (options) => options.map((o) => o.value)), ['', 'shop']);
  // Longer than the list's 250 ms batching, so a row that came would show.
  await ann.page.waitForTimeout(600);
  assert.equal(await ann.page.locator(WAITING_ROW).count(), 0, 'the shop visitor is not in the support queue');

  // Disabling Ben throws his console back to the login form at once; after the grace
  // period the visitor he still held waits again, first in line.
  const leftBehind = Promise.any([...visitors, fifth, sixth].map((visitor) => visitor.client.next(isEvent('agent_left'), 10_000)));
  await admin.page.click('[data-view=admin]');
  await admin.page.click('tr[data-username="ben"] button:has-text("Disable")');
  await ben.page.waitForSelector('#login:not([hidden])');
  assert.match(await ben.page.locator('#login-status').innerText(), /session has ended/);
  assert.equal(await ben.page.locator('#desk').isHidden(), true);
  assert.equal((await leftBehind).name, 'Ben');

  for (const agent of [admin, ann, ben, cy]) assert.deepEqual(agent.problems, []);
  for (const visitor of [...visitors, fifth, sixth, shopVisitor]) await visitor.client.close();
  for (const agent of [admin, ann, ben, cy]) await agent.context.close();
});
