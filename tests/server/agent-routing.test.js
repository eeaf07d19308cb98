// Agent routing end to end over real sockets: a visitor on `/ws`, agent consoles on
// `/agent` (docs/server.md, "Agent console protocol").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer, withTestServer } from './helpers/running-server.js';
import { openAgentSocket, openConsole } from './helpers/console-session.js';

// A console of a new agent account named `name`.
function agent(server, name = '小李') {
  return openConsole(server, { name });
}

async function visitor(server, fields) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, fields);
  return { client, welcome };
}

const isEvent = (name) => (f) => f.type === 'event' && f.event === name;

test('hand-off queues visitors with positions and an ETA; accepting moves the queue up', async () => {
  await withTestServer({ config: { defaultHandlingSeconds: 120 } }, async (server) => {
    const { client: li } = await agent(server, '小李');
    const first = await visitor(server);
    const second = await visitor(server);
    first.client.send({ type: 'handoff', reason: 'visitor' });
    assert.deepEqual(await first.client.next(isEvent('queued')), { type: 'event', event: 'queued', position: 1, etaSeconds: 120 });
    second.client.send({ type: 'handoff', reason: 'unanswered' });
    assert.deepEqual(await second.client.next(isEvent('queued')), { type: 'event', event: 'queued', position: 2, etaSeconds: 240 });
    const queue = await li.next((f) => f.type === 'queue' && f.entries.length === 2);
    assert.deepEqual(queue.entries.map((e) => e.conversationId), [first.welcome.conversationId, second.welcome.conversationId]);

    const accepted = await li.request({ type: 'accept', conversationId: first.welcome.conversationId }, 'result');
    assert.equal(accepted.ok, true);
    assert.deepEqual(await first.client.next(isEvent('agent_joined')), { type: 'event', event: 'agent_joined', name: '小李' });
    assert.equal((await second.client.next(isEvent('queued'))).position, 1);
    // Someone else cannot take it any more.
    const { client: wang } = await agent(server, '老王');
    assert.equal((await wang.request({ type: 'accept', conversationId: first.welcome.conversationId }, 'result')).error, 'not_waiting');
    assert.equal((await wang.request({ type: 'message', conversationId: first.welcome.conversationId, text: 'hi' }, 'result')).error, 'not_your_conversation');
    for (const c of [li, wang, first.client, second.client]) await c.close();
  });
});

test('agent and visitor chat with typing and read receipts both ways; end asks for a rating that reaches the console', async () => {
  await withTestServer({}, async (server) => {
    const { client: li } = await agent(server, '小李');
    const { client: v, welcome } = await visitor(server, { epoch: 'e' });
    const id = welcome.conversationId;
    await v.request({ type: 'message', cmid: 'c-e-1', cseq: 1, text: '火星快递多久到', clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
    v.send({ type: 'handoff', reason: 'unanswered' });
    await v.next(isEvent('queued'));
    await li.request({ type: 'accept', conversationId: id }, 'result');
    await v.next(isEvent('agent_joined'));

    // The console sees the bot history with the tier each question got.
    const history = await li.request({ type: 'history', conversationId: id }, 'history');
    assert.deepEqual(history.messages.map((m) => [m.author, m.text, m.tier]), [['visitor', '火星快递多久到', 'handoff']]);

    v.send({ type: 'typing', on: true });
    assert.deepEqual(await li.next('visitor_typing'), { type: 'visitor_typing', conversationId: id, on: true });
    // Keystroke-rate repeats are not forwarded; the change back to "off" is.
    for (let i = 0; i < 5; i += 1) v.send({ type: 'typing', on: true });
    v.send({ type: 'typing', on: false });
    assert.deepEqual(await li.next('visitor_typing'), { type: 'visitor_typing', conversationId: id, on: false });
    li.send({ type: 'typing', conversationId: id, on: true });
    assert.deepEqual(await v.next(isEvent('typing')), { type: 'event', event: 'typing', on: true });

    li.send({ type: 'message', conversationId: id, text: '您好，请提供订单号' });
    const fromAgent = await v.next('msg');
    assert.deepEqual([fromAgent.seq, fromAgent.author, fromAgent.name, fromAgent.text], [2, 'agent', '小李', '您好，请提供订单号']);
    v.send({ type: 'read', upToSeq: 2 });
    assert.deepEqual(await li.next('visitor_read'), { type: 'visitor_read', conversationId: id, upToSeq: 2 });
    assert.equal((await li.request({ type: 'history', conversationId: id }, 'history')).conversation.visitorReadUpTo, 2, 'kept for a console that opens later');

    await v.request({ type: 'message', cmid: 'c-e-2', cseq: 2, text: 'A-1001', clientTime: 2 }, 'ack');
    const toConsole = await li.next((f) => f.type === 'msg' && f.message.author === 'visitor');
    assert.equal(toConsole.message.text, 'A-1001');
    li.send({ type: 'read', conversationId: id, upToSeq: 3 });
    assert.deepEqual(await v.next(isEvent('read')), { type: 'event', event: 'read', upToSeq: 3 });

    await li.request({ type: 'end', conversationId: id }, 'result');
    assert.deepEqual(await v.next(isEvent('ended')), { type: 'event', event: 'ended', by: 'agent' });
    await v.next(isEvent('rating_requested'));
    v.send({ type: 'rate', stars: 4, comment: '不错' });
    const rating = await li.next('rating');
    assert.deepEqual([rating.rating.conversationId, rating.rating.stars, rating.rating.comment, rating.rating.agentName], [id, 4, '不错', '小李']);
    const ratings = await li.request({ type: 'ratings' }, 'ratings');
    assert.deepEqual([ratings.count, ratings.average], [1, 4]);
    // Writing again after the end is a new turn with the bot, also after a reconnect.
    await v.request({ type: 'message', cmid: 'c-e-3', cseq: 3, text: '还有一个问题', clientTime: 3 }, 'ack');
    const back = await SocketClient.open(server.wsUrl, { origin: server.origin });
    assert.equal((await helloVisitor(back, { epoch: 'e', sessionToken: welcome.sessionToken })).state, 'bot');
    for (const c of [li, v, back]) await c.close();
  });
});

test('transfer back to the bot; a later hand-off queues again; the ETA follows measured handling times', async () => {
  await withTestServer({ config: { defaultHandlingSeconds: 999 } }, async (server) => {
    const { client: li } = await agent(server, '小李');
    const { client: v, welcome } = await visitor(server);
    const id = welcome.conversationId;
    v.send({ type: 'handoff', reason: 'visitor' });
    assert.equal((await v.next(isEvent('queued'))).etaSeconds, 999);
    await li.request({ type: 'accept', conversationId: id }, 'result');
    await li.request({ type: 'transfer_to_bot', conversationId: id }, 'result');
    await v.next(isEvent('returned_to_bot'));
    v.send({ type: 'handoff', reason: 'visitor' });
    // Handled in well under a second: the estimate now comes from that, not the default.
    assert.ok((await v.next(isEvent('queued'))).etaSeconds < 5);
    for (const c of [li, v]) await c.close();
  });
});

test('outside business hours a hand-off goes offline; the left message becomes a ticket in the console', async () => {
  const closed = { timeZone: 'Asia/Shanghai', days: [], open: '09:00', close: '18:00' };
  await withTestServer({ config: { sites: { demo: { businessHours: closed } } } }, async (server) => {
    const { client: li } = await agent(server);
    const { client: v, welcome } = await visitor(server, { locale: 'zh-CN' });
    assert.equal(welcome.agentsOnline, false);
    v.send({ type: 'handoff', reason: 'visitor' });
    const offline = await v.next(isEvent('offline'));
    assert.match(offline.hours, /09:00–18:00/);
    v.send({ type: 'ticket', cmid: 't-1', message: '请回电', contact: '13800000000' });
    const created = await v.next(isEvent('ticket_created'));
    const pushed = await li.next('ticket');
    assert.equal(pushed.ticket.id, created.ticketId);
    const list = await li.request({ type: 'tickets' }, 'tickets');
    assert.deepEqual(list.tickets.map((t) => [t.id, t.message, t.contact, t.status]), [[created.ticketId, '请回电', '13800000000', 'open']]);
    assert.equal((await li.request({ type: 'ticket_status', ticketId: created.ticketId, status: 'closed' }, 'result')).ok, true);
    const closedTicket = await li.next((f) => f.type === 'ticket' && f.ticket.status === 'closed');
    assert.equal(closedTicket.ticket.handledBy, '小李');
    assert.equal((await li.request({ type: 'ticket_status', ticketId: 'T-nope', status: 'closed' }, 'result')).error, 'unknown_ticket');
    for (const c of [li, v]) await c.close();
  });
});

test('an offline visitor who comes back once agents answer is in the bot phase again', async () => {
  await withTestServer({ config: { sites: { demo: { offlineWhenNoAgent: true } } } }, async (server) => {
    const { client: v, welcome } = await visitor(server, { epoch: 'e' });
    v.send({ type: 'handoff', reason: 'visitor' });
    await v.next(isEvent('offline'));
    await v.close();
    const back = await SocketClient.open(server.wsUrl, { origin: server.origin });
    assert.equal((await helloVisitor(back, { epoch: 'e', sessionToken: welcome.sessionToken })).state, 'offline', 'still nobody to answer');
    await back.close();
    const { client: li } = await agent(server);
    const again = await SocketClient.open(server.wsUrl, { origin: server.origin });
    assert.equal((await helloVisitor(again, { epoch: 'e', sessionToken: welcome.sessionToken })).state, 'bot');
    for (const c of [li, again]) await c.close();
  });
});

test('with no agent logged in (offlineWhenNoAgent) a hand-off goes offline; once one logs in it queues', async () => {
  await withTestServer({ config: { sites: { demo: { offlineWhenNoAgent: true } } } }, async (server) => {
    const { client: v, welcome } = await visitor(server, { locale: 'en' });
    assert.equal(welcome.agentsOnline, false);
    v.send({ type: 'handoff', reason: 'visitor' });
    assert.equal((await v.next(isEvent('offline'))).type, 'event');
    const { client: li } = await agent(server);
    const again = await visitor(server);
    assert.equal(again.welcome.agentsOnline, true);
    again.client.send({ type: 'handoff', reason: 'visitor' });
    assert.equal((await again.client.next(isEvent('queued'))).position, 1);
    for (const c of [li, v, again.client]) await c.close();
  });
});

test('a queued visitor who reconnects is told the position again; the queue survives a restart', async () => {
  const server = await startTestServer();
  const { client: v, welcome } = await visitor(server, { epoch: 'e' });
  v.send({ type: 'handoff', reason: 'visitor' });
  await v.next(isEvent('queued'));
  await v.close();
  await server.close();
  const restarted = await startTestServer({ dataDir: server.dataDir });
  try {
    const back = await SocketClient.open(restarted.wsUrl, { origin: restarted.origin });
    const again = await helloVisitor(back, { epoch: 'e', sessionToken: welcome.sessionToken });
    assert.equal(again.state, 'queued');
    assert.equal((await back.next(isEvent('queued'))).position, 1);
    const { client: li, ready } = await agent(restarted);
    assert.deepEqual(ready.queue.map((q) => q.conversationId), [welcome.conversationId]);
    for (const c of [li, back]) await c.close();
  } finally {
    await restarted.close();
    restarted.removeData();
  }
});

test('the hot-questions report groups what the server\'s engine could not answer, most frequent first, whatever tier the visitor claims', async () => {
  await withTestServer({}, async (server) => {
    // The claimed tiers are lies both ways: the server's engine on the demo KB decides.
    const asked = [['火星快递多久到', 'answer'], ['火星快递多久到呀', 'handoff'], ['会员', 'answer'], ['火星快递多久到？', 'suggest'], ['恐龙蛋怎么煮', 'answer'], ['忘记密码', 'handoff']];
    const { client: v } = await visitor(server, { epoch: 'e' });
    let cseq = 0;
    for (const [text, tier] of asked) {
      cseq += 1;
      const bot = tier === 'answer' ? { tier, faqId: 'reset-password', answer: 'claimed' } : { tier };
      await v.request({ type: 'message', cmid: `c-${cseq}`, cseq, text, clientTime: cseq, bot }, 'ack');
    }
    const { client: li } = await agent(server);
    const report = await li.request({ type: 'hot_questions', siteId: 'demo' }, 'hot_questions');
    assert.deepEqual(report.groups.map((g) => [g.question, g.count]), [['火星快递多久到', 3], ['恐龙蛋怎么煮', 1], ['会员', 1]]);
    assert.deepEqual(report.groups[0].tiers, { handoff: 3 });
    assert.deepEqual(report.groups[2].tiers, { suggest: 1 });
    assert.deepEqual([report.total, report.questions, report.offset, report.limit], [3, 5, 0, server.config.limits.hotQuestionsPageSize]);
    const second = await li.request({ type: 'hot_questions', siteId: 'demo', offset: 1, limit: 1 }, 'hot_questions');
    assert.deepEqual(second.groups.map((g) => g.question), ['恐龙蛋怎么煮']);
    for (const c of [li, v]) await c.close();
  });
});

test('an agent who does not come back within the grace period leaves; the visitor is queued again at the front', async () => {
  await withTestServer({ config: { agentReconnectGraceSeconds: 0.05 } }, async (server) => {
    const { client: li } = await agent(server, '小李');
    const { client: v, welcome } = await visitor(server);
    v.send({ type: 'handoff', reason: 'visitor' });
    await v.next(isEvent('queued'));
    const later = await visitor(server);
    later.client.send({ type: 'handoff', reason: 'visitor' });
    await later.client.next(isEvent('queued'));
    await li.request({ type: 'accept', conversationId: welcome.conversationId }, 'result');
    await v.next(isEvent('agent_joined'));
    await li.close();
    assert.deepEqual(await v.next(isEvent('agent_left')), { type: 'event', event: 'agent_left', name: '小李' });
    assert.equal((await v.next(isEvent('queued'))).position, 1, 'back at the front: it waited first');
    assert.equal((await later.client.next((f) => f.event === 'queued' && f.position === 2)).position, 2);
    const { client: wang } = await agent(server, '老王');
    assert.equal((await wang.request({ type: 'accept', conversationId: welcome.conversationId }, 'result')).ok, true);
    for (const c of [wang, v, later.client]) await c.close();
  });
});

test('an agent who reloads the console within the grace period keeps the conversation', async () => {
  await withTestServer({ config: { agentReconnectGraceSeconds: 0.3 } }, async (server) => {
    const { client: li, cookie } = await agent(server, '小李');
    const { client: v, welcome } = await visitor(server);
    v.send({ type: 'handoff', reason: 'visitor' });
    await v.next(isEvent('queued'));
    await li.request({ type: 'accept', conversationId: welcome.conversationId }, 'result');
    await li.close();
    const back = await openAgentSocket(server, cookie);
    await back.request({ type: 'login' }, 'ready');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await back.request({ type: 'message', conversationId: welcome.conversationId, text: '我回来了' }, 'result')).ok, true);
    assert.equal(v.pending().filter((f) => f.event === 'agent_left').length, 0);
    for (const c of [back, v]) await c.close();
  });
});

test('with a pre-chat form the welcome says so, and the fields name the visitor in the console', async () => {
  await withTestServer({ config: { sites: { demo: { preChatForm: true } } } }, async (server) => {
    const { client: v, welcome } = await visitor(server);
    assert.equal(welcome.preChatForm, true);
    v.send({ type: 'prechat', fields: { name: '王小明', email: 'w@example.com' } });
    await v.request({ type: 'ping', t: 1 }, 'pong');
    const { client: li } = await agent(server);
    const { conversation } = await li.request({ type: 'history', conversationId: welcome.conversationId }, 'history');
    assert.equal(conversation.visitorName, '王小明');
    assert.deepEqual(conversation.prechat, { name: '王小明', email: 'w@example.com' });
    // Resuming the conversation (a reload) does not ask for the form again.
    const { client: again, welcome: resumed } = await visitor(server, { sessionToken: welcome.sessionToken });
    assert.equal(resumed.conversationId, welcome.conversationId);
    assert.equal(resumed.preChatForm, false);
    for (const c of [li, v, again]) await c.close();
  });
});

// Issue 21, finding 7.
test('leaving a message while queued takes the conversation out of the queue: no ghost, true positions', async () => {
  await withTestServer({ config: { defaultHandlingSeconds: 60 } }, async (server) => {
    const { client: li } = await agent(server, '小李');
    const first = await visitor(server);
    const second = await visitor(server);
    first.client.send({ type: 'handoff', reason: 'visitor' });
    await first.client.next(isEvent('queued'));
    second.client.send({ type: 'handoff', reason: 'visitor' });
    assert.equal((await second.client.next(isEvent('queued'))).position, 2);
    await first.client.request({ type: 'ticket', cmid: 't-1', message: '等不及了，请回电', contact: '13800000000' }, (f) => f.event === 'ticket_created');
    assert.deepEqual(await second.client.next(isEvent('queued')), { type: 'event', event: 'queued', position: 1, etaSeconds: 60 });
    const queue = await li.next((f) => f.type === 'queue' && f.entries.length === 1 && f.entries[0].conversationId === second.welcome.conversationId);
    assert.deepEqual(queue.entries, [{ conversationId: second.welcome.conversationId, position: 1, teamId: null }]);
    // A console that logs in now sees one waiting visitor, and the one who left a message cannot be accepted.
    const { client: wang, ready } = await agent(server, '老王');
    assert.deepEqual(ready.queue, [{ conversationId: second.welcome.conversationId, position: 1, teamId: null }]);
    assert.equal((await wang.request({ type: 'accept', conversationId: first.welcome.conversationId }, 'result')).error, 'not_waiting');
    assert.equal((await wang.request({ type: 'accept', conversationId: second.welcome.conversationId }, 'result')).ok, true);
    for (const c of [li, wang, first.client, second.client]) await c.close();
  });
});

// Issue 21, finding 8.
test('visitor typing reaches the consoles at most once per interval per conversation, ending in the last state', async () => {
  await withTestServer({ config: { limits: { typingForwardIntervalMs: 200 } } }, async (server) => {
    const { client: li } = await agent(server, '小李');
    const { client: v, welcome } = await visitor(server);
    v.send({ type: 'handoff', reason: 'visitor' });
    await v.next(isEvent('queued'));
    const started = Date.now();
    for (let i = 0; i < 500; i += 1) v.send({ type: 'typing', on: i % 2 === 0 });
    await v.request({ type: 'ping', t: 1 }, 'pong'); // every typing frame has been handled
    const handledMs = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 450));
    const forwarded = li.drain().filter((f) => f.type === 'visitor_typing');
    assert.ok(forwarded.length <= Math.ceil((handledMs + 450) / 200) + 1, `${forwarded.length} typing frames in ${handledMs + 450} ms`);
    assert.deepEqual(forwarded.at(-1), { type: 'visitor_typing', conversationId: welcome.conversationId, on: false }, 'the last state (off) arrives');
    for (const c of [li, v]) await c.close();
  });
});
