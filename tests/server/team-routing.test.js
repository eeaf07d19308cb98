// Routing within teams over real sockets: auto-assignment to the least-busy online agent
// of the site's team under each agent's limit, away, picking from the queue where the
// team says so, transfers to an agent or a team with a note the visitor never sees, and
// queue positions counted per team.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { withTestServer } from './helpers/running-server.js';
import { openConsole } from './helpers/console-session.js';

const isEvent = (name) => (f) => f.type === 'event' && f.event === name;
const SITES = { sites: { siteA: { businessHours: null, offlineWhenNoAgent: false }, siteB: { businessHours: null, offlineWhenNoAgent: false } } };

async function queuedVisitor(server, siteId) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, { siteId });
  client.send({ type: 'handoff', reason: 'visitor' });
  return { client, conversationId: welcome.conversationId };
}

// Who holds which conversation, as the store has it.
async function holders(server, visitors) {
  const held = [];
  for (const { conversationId } of visitors) {
    const { conversation } = await server.admin.request({ type: 'history', conversationId }, (f) => f.type === 'history' && f.conversationId === conversationId);
    held.push(conversation.agentId);
  }
  return held;
}

async function withTeams(body, config = {}) {
  await withTestServer({ config: { ...SITES, ...config } }, async (server) => {
    server.admin = (await openConsole(server, { name: 'Admin', role: 'admin' })).client;
    await body(server);
    await server.admin.close();
  });
}

test('auto-assignment: least busy online agent of the team, never past their limit; a freed place takes the next in line', () => withTeams(async (server) => {
  const team = (await server.teams.create({ name: 'A', siteIds: ['siteA'] })).team;
  const ann = await openConsole(server, { name: 'Ann', teamIds: [team.id], maxChats: 2 });
  const ben = await openConsole(server, { name: 'Ben', teamIds: [team.id], maxChats: 1 });
  const outsider = await openConsole(server, { name: 'Oz', teamIds: [] }); // sites no team claims only
  const visitors = [];
  for (let i = 0; i < 4; i += 1) {
    const visitor = await queuedVisitor(server, 'siteA');
    visitors.push(visitor);
    if (i < 3) await visitor.client.next(isEvent('agent_joined'));
  }
  // Ann 2, Ben 1 (his limit): the fourth waits, first in team A's line.
  assert.deepEqual((await holders(server, visitors.slice(0, 3))).sort(), [ann.account.id, ann.account.id, ben.account.id].sort());
  assert.equal((await visitors[3].client.next(isEvent('queued'))).position, 1);
  const summary = (await server.admin.request({ type: 'history', conversationId: visitors[3].conversationId }, 'history')).conversation;
  assert.deepEqual([summary.state, summary.agentId], ['queued', null]);
  // Ann ends one: the waiting visitor is hers now.
  const annsFirst = (await holders(server, visitors.slice(0, 3))).indexOf(ann.account.id);
  assert.equal((await ann.client.request({ type: 'end', conversationId: visitors[annsFirst].conversationId }, 'result')).ok, true);
  assert.equal((await visitors[3].client.next(isEvent('agent_joined'))).name, 'Ann');
  // The accept of a conversation past the limit is refused too.
  const fifth = await queuedVisitor(server, 'siteA');
  await fifth.client.next(isEvent('queued'));
  assert.equal((await ben.client.request({ type: 'accept', conversationId: fifth.conversationId }, 'result')).error, 'at_limit');
  assert.equal((await outsider.client.request({ type: 'accept', conversationId: fifth.conversationId }, 'result')).error, 'unknown_conversation');
  for (const c of [ann, ben, outsider]) await c.client.close();
  for (const v of [...visitors, fifth]) await v.client.close();
}));

test('away takes no new conversations and keeps the held ones; back online, the queue moves', () => withTeams(async (server) => {
  const team = (await server.teams.create({ name: 'A', siteIds: ['siteA'] })).team;
  const ann = await openConsole(server, { name: 'Ann', teamIds: [team.id] });
  const first = await queuedVisitor(server, 'siteA');
  await first.client.next(isEvent('agent_joined'));
  assert.deepEqual(await ann.client.request({ type: 'status', status: 'away' }, 'result'), { type: 'result', request: 'status', conversationId: '', ok: true, status: 'away' });
  const second = await queuedVisitor(server, 'siteA');
  const queued = await second.client.next(isEvent('queued'));
  assert.equal(queued.position, 1);
  assert.equal((await ann.client.request({ type: 'accept', conversationId: second.conversationId }, 'result')).error, 'away');
  assert.equal((await ann.client.request({ type: 'message', conversationId: first.conversationId, text: '还在' }, 'result')).ok, true, 'held ones stay');
  await ann.client.request({ type: 'status', status: 'online' }, 'result');
  assert.equal((await second.client.next(isEvent('agent_joined'))).name, 'Ann');
  for (const c of [ann.client, first.client, second.client]) await c.close();
}));

test('a team that picks from the queue gets no auto-assignment; picking still respects the limit', () => withTeams(async (server) => {
  const team = (await server.teams.create({ name: 'A', siteIds: ['siteA'], pickFromQueue: true })).team;
  const ann = await openConsole(server, { name: 'Ann', teamIds: [team.id], maxChats: 1 });
  const first = await queuedVisitor(server, 'siteA');
  const second = await queuedVisitor(server, 'siteA');
  await first.client.next(isEvent('queued'));
  assert.equal((await second.client.next(isEvent('queued'))).position, 2);
  assert.equal((await ann.client.request({ type: 'accept', conversationId: second.conversationId }, 'result')).ok, true);
  assert.equal((await ann.client.request({ type: 'accept', conversationId: first.conversationId }, 'result')).error, 'at_limit');
  assert.equal(first.client.pending().filter(isEvent('agent_joined')).length, 0);
  for (const c of [ann.client, first.client, second.client]) await c.close();
}));

test('transfer to an agent with a note: the visitor sees the new name, never the note; to a team: first in that team\'s line', () => withTeams(async (server) => {
  const sales = (await server.teams.create({ name: 'Sales', siteIds: ['siteA'] })).team;
  const billing = (await server.teams.create({ name: 'Billing', siteIds: ['siteB'], pickFromQueue: true })).team;
  const ann = await openConsole(server, { name: 'Ann', teamIds: [sales.id] });
  const visitor = await queuedVisitor(server, 'siteA');
  await visitor.client.next(isEvent('agent_joined'));
  const ben = await openConsole(server, { name: 'Ben', teamIds: [sales.id] });
  const cy = await openConsole(server, { name: 'Cy', teamIds: [billing.id] });
  const billingWaiting = await queuedVisitor(server, 'siteB');
  await billingWaiting.client.next(isEvent('queued'));

  assert.equal((await ann.client.request({ type: 'transfer', conversationId: visitor.conversationId, toAgentId: cy.account.id, note: 'x' }, 'result')).error, 'agent_not_in_team');
  const note = '客户要退款，已核实订单 #123';
  assert.equal((await ann.client.request({ type: 'transfer', conversationId: visitor.conversationId, toAgentId: ben.account.id, note }, 'result')).ok, true);
  assert.equal((await visitor.client.next(isEvent('agent_joined'))).name, 'Ben');
  const shown = await ben.client.next((f) => f.type === 'conversation' && f.conversation.agentId === ben.account.id);
  assert.deepEqual(shown.conversation.notes.map((n) => [n.byName, n.toName, n.text]), [['Ann', 'Ben', note]]);
  assert.equal((await ann.client.request({ type: 'message', conversationId: visitor.conversationId, text: 'still mine?' }, 'result')).error, 'not_your_conversation');

  // To the billing team: it waits first in billing's line (ahead of the one already there).
  assert.equal((await ben.client.request({ type: 'transfer', conversationId: visitor.conversationId, toTeamId: billing.id, note: '账单问题' }, 'result')).ok, true);
  assert.equal((await visitor.client.next(isEvent('queued'))).position, 1);
  assert.equal((await billingWaiting.client.next((f) => f.event === 'queued' && f.position === 2)).position, 2);
  assert.equal((await cy.client.request({ type: 'accept', conversationId: visitor.conversationId }, 'result')).ok, true);
  const { conversation, messages } = await cy.client.request({ type: 'history', conversationId: visitor.conversationId }, 'history');
  assert.equal(conversation.notes.length, 2);
  assert.equal(messages.some((m) => m.text.includes('退款')), false, 'notes are not messages');
  // Nothing the visitor received, live or on resync, carries a note.
  const resync = await visitor.client.request({ type: 'resync', afterSeq: 0 }, (f) => f.type === 'resync' || f.type === 'error');
  const everything = JSON.stringify([...visitor.client.drain(), resync]);
  assert.equal(everything.includes('退款') || everything.includes('账单问题'), false);
  for (const c of [ann, ben, cy]) await c.client.close();
  for (const v of [visitor, billingWaiting]) await v.client.close();
}));

test('queue positions and ETA are per team', () => withTeams(async (server) => {
  await server.teams.create({ name: 'A', siteIds: ['siteA'], pickFromQueue: true });
  await server.teams.create({ name: 'B', siteIds: ['siteB'], pickFromQueue: true });
  const a1 = await queuedVisitor(server, 'siteA');
  const b1 = await queuedVisitor(server, 'siteB');
  const a2 = await queuedVisitor(server, 'siteA');
  assert.deepEqual([(await a1.client.next(isEvent('queued'))).position, (await b1.client.next(isEvent('queued'))).position, (await a2.client.next(isEvent('queued'))).position], [1, 1, 2]);
  for (const v of [a1, b1, a2]) await v.client.close();
}, { defaultHandlingSeconds: 60 }));
