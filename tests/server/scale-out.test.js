// Three server instances as one service: one PostgreSQL (the store) and one Redis (the
// fan-out bus and the shared rate limits), both started by this file on loopback. A
// visitor on one instance and agents on the others chat, hand off and accept as on one
// server. Skipped, saying why, when PostgreSQL or Redis cannot start here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresServer } from './helpers/postgres-server.js';
import { RedisServer } from './helpers/redis-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer } from './helpers/running-server.js';
import { TEST_PASSWORD, consoleApi, createAccount, logIn, openAgentSocket, openConsole } from './helpers/console-session.js';
import { PostgresStore } from '../../server/store/postgres-store.js';

const [postgres, redis] = await Promise.all([PostgresServer.start(), RedisServer.start()]);
after(async () => {
  if (!(postgres instanceof Error)) await postgres.stop();
  if (!(redis instanceof Error)) await redis.stop();
});
const skip = postgres instanceof Error ? `no PostgreSQL server: ${postgres.message}` : redis instanceof Error ? `no Redis server: ${redis.message}` : false;

const isEvent = (name) => (f) => f.type === 'event' && f.event === name;

// Three instances on a fresh database; `body(instances)`, then all stop.
async function withInstances(config, body) {
  const shared = { store: { kind: 'postgres', url: await postgres.createDatabase() }, fanout: { kind: 'redis', url: redis.url }, ...config };
  const instances = [];
  try {
    for (let i = 0; i < 3; i += 1) instances.push(await startTestServer({ config: shared }));
    await body(instances, shared.store.url);
  } finally {
    for (const instance of instances) {
      await instance.close();
      instance.removeData();
    }
  }
}

// A new account (stored in the shared database), logged in and its console opened on `server`.
function agent(server, name) {
  return openConsole(server, { name });
}

async function visitor(server, fields) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, fields);
  return { client, welcome };
}

test('a visitor on instance 1 and an agent on instance 3 chat live: queue, accept, messages, typing and read receipts reach across', { skip }, async () => {
  await withInstances({}, async ([one, two, three]) => {
    const { client: li } = await agent(three, '小李');
    const { client: wang } = await agent(two, '老王');
    const { client: v, welcome } = await visitor(one, { epoch: 'e' });
    const id = welcome.conversationId;

    v.send({ type: 'handoff', reason: 'visitor' });
    assert.equal((await v.next(isEvent('queued'))).position, 1);
    // The queue update reaches every console, on every instance.
    for (const console of [li, wang]) assert.deepEqual((await console.next((f) => f.type === 'queue' && f.entries.length === 1)).entries, [{ conversationId: id, position: 1, teamId: null }]);

    assert.equal((await li.request({ type: 'accept', conversationId: id }, 'result')).ok, true);
    assert.deepEqual(await v.next(isEvent('agent_joined')), { type: 'event', event: 'agent_joined', name: '小李' });
    await wang.next((f) => f.type === 'queue' && f.entries.length === 0);

    const ack = await v.request({ type: 'message', cmid: 'c-e-1', cseq: 1, text: '快递到哪了', clientTime: 1 }, 'ack');
    const seen = await li.next((f) => f.type === 'msg' && f.message.cmid === 'c-e-1');
    assert.equal(seen.message.seq, ack.seq);
    await wang.next((f) => f.type === 'msg' && f.message.cmid === 'c-e-1');

    v.send({ type: 'typing', on: true });
    assert.equal((await li.next('visitor_typing')).on, true);
    await li.request({ type: 'typing', conversationId: id, on: true }, 'result');
    assert.equal((await v.next(isEvent('typing'))).on, true);

    const reply = await li.request({ type: 'message', conversationId: id, text: '在路上了' }, 'result');
    const delivered = await v.next('msg');
    assert.deepEqual([delivered.seq, delivered.text, delivered.author], [reply.seq, '在路上了', 'agent']);
    v.send({ type: 'read', upToSeq: reply.seq });
    assert.equal((await li.next('visitor_read')).upToSeq, reply.seq);
    await li.request({ type: 'read', conversationId: id, upToSeq: ack.seq }, 'result');
    assert.equal((await v.next(isEvent('read'))).upToSeq, ack.seq);

    // The handling time measured on instance 3 is instance 1's ETA too (not the default).
    assert.equal((await li.request({ type: 'end', conversationId: id }, 'result')).ok, true);
    const next = await visitor(one);
    const queued = await next.client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    assert.ok(queued.etaSeconds < one.config.defaultHandlingSeconds / 2, `ETA ${queued.etaSeconds} s from the measured time, not the default ${one.config.defaultHandlingSeconds} s`);
    for (const c of [li, wang, v, next.client]) await c.close();
  });
});

test('two agents on two instances accepting one visitor at once: exactly one gets them', { skip }, async () => {
  await withInstances({}, async ([one, two, three]) => {
    const { client: li } = await agent(two, '小李');
    const { client: wang } = await agent(three, '老王');
    const ids = [];
    for (let i = 0; i < 5; i += 1) {
      const { client, welcome } = await visitor(one);
      await client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
      ids.push(welcome.conversationId);
      await client.close();
    }
    for (const id of ids) {
      const results = await Promise.all([li, wang].map((console) => console.request({ type: 'accept', conversationId: id }, (f) => f.type === 'result' && f.conversationId === id)));
      assert.deepEqual(results.map((r) => r.ok === true).sort(), [false, true], `conversation ${id} assigned once`);
      assert.equal(results.find((r) => !r.ok).error, 'not_waiting');
    }
    for (const c of [li, wang]) await c.close();
  });
});

test('an agent logging in on another instance sees the queue as it is in the database', { skip }, async () => {
  await withInstances({}, async ([one, two]) => {
    const first = await visitor(one);
    const second = await visitor(two);
    await first.client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    const queued = await second.client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    assert.equal(queued.position, 2, 'instance 2 counts the visitor waiting on instance 1');
    const { client: li, ready } = await agent(one, '小李');
    assert.deepEqual(ready.queue.map((e) => e.conversationId), [first.welcome.conversationId, second.welcome.conversationId]);
    for (const c of [li, first.client, second.client]) await c.close();
  });
});

test('rate limits are shared: one visitor\'s burst is one budget across instances', { skip }, async () => {
  await withInstances({ limits: { visitorBurst: 3, visitorPerMinute: 1 } }, async ([one, two]) => {
    const { client: tab1, welcome } = await visitor(one, { epoch: 'e1', visitorId: 'v-shared' });
    const { client: tab2 } = await visitor(two, { epoch: 'e2', visitorId: 'v-shared', sessionToken: welcome.sessionToken });
    const send = (tab, epoch, cseq) => tab.request({ type: 'message', cmid: `c-${epoch}-${cseq}`, cseq, text: `m${cseq}`, clientTime: 1 }, (f) => f.type === 'ack' || (f.type === 'error' && f.code === 'rate_limited'));
    const outcomes = [await send(tab1, 'e1', 1), await send(tab2, 'e2', 1), await send(tab1, 'e1', 2), await send(tab2, 'e2', 2)];
    assert.deepEqual(outcomes.map((f) => f.type), ['ack', 'ack', 'ack', 'error'], 'the fourth message is over the burst of 3');
    for (const c of [tab1, tab2]) await c.close();
  });
});

test('every console lists the agents of every instance with their state, sees whether a visitor is online wherever they are, and transfers to an agent on another instance', { skip }, async () => {
  await withInstances({}, async ([one, two, three]) => {
    // One team (picking from the queue by hand): its agents see each other in the list.
    const support = (await one.teams.create({ name: 'Support', siteIds: ['demo'], pickFromQueue: true })).team;
    for (let i = 0; i < 100 && !(two.teams.get(support.id) && three.teams.get(support.id)); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const { client: v, welcome } = await visitor(one);
    const id = welcome.conversationId;
    await v.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    const { client: li, account: liAccount, ready: liReady } = await openConsole(two, { name: '小李', teamIds: [support.id] });
    assert.equal(liReady.conversations.find((c) => c.conversationId === id).online, true, 'the visitor is connected to instance 1');
    const { client: wang, account: wangAccount } = await openConsole(three, { name: '老王', teamIds: [support.id] });
    const listed = (frame, account) => frame.agents.find((a) => a.id === account.id);
    await li.next((f) => f.type === 'agents' && listed(f, wangAccount));
    await wang.request({ type: 'status', status: 'away' }, 'result');
    const seen = await li.next((f) => f.type === 'agents' && listed(f, wangAccount)?.status === 'away');
    assert.deepEqual(seen.names.sort(), ['小李', '老王'].sort());
    // A console opening on a third instance lists both, the away one as away.
    const { client: boss, ready } = await openConsole(one, { name: 'Boss', teamIds: [support.id] });
    assert.deepEqual(ready.agents.map((a) => [a.name, a.status]).sort(), [['Boss', 'online'], ['小李', 'online'], ['老王', 'away']]);

    assert.equal((await li.request({ type: 'accept', conversationId: id }, 'result')).ok, true);
    const transfer = { type: 'transfer', conversationId: id, toAgentId: wangAccount.id, note: '老客户' };
    assert.equal((await li.request(transfer, 'result')).error, 'agent_away', 'away on instance 3 is away on instance 2 too');
    await wang.request({ type: 'status', status: 'online' }, 'result');
    await li.next((f) => f.type === 'agents' && listed(f, wangAccount)?.status === 'online');
    assert.equal((await li.request(transfer, 'result')).ok, true);
    await v.next((f) => isEvent('agent_joined')(f) && f.name === '老王');
    const handed = await wang.next((f) => f.type === 'conversation' && f.conversation.conversationId === id && f.conversation.agentId === wangAccount.id);
    assert.equal(handed.conversation.agentName, '老王');
    assert.equal(listed(await boss.next((f) => f.type === 'agents' && listed(f, wangAccount)?.active === 1), liAccount).active, 0, 'the loads follow the transfer');

    await v.close();
    for (let i = 0; i < 100 && (await three.desk.summary(id)).online; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await three.desk.summary(id)).online, false, 'offline once the visitor left instance 1');
    for (const c of [li, wang, boss]) await c.close();
  });
});

test('the hot-questions report covers the visitors of every instance, whichever instance reads it; evictions and the site\'s daily cap are shared', { skip }, async () => {
  await withInstances({ limits: { hotQuestionGroupsPerSite: 2, hotQuestionsPerSitePerDay: 5 } }, async ([one, two, three]) => {
    // `bot`: the widget let the bot take the turn; the server's engine finds no answer.
    const ask = async (client, cmid, text) => client.request({ type: 'message', cmid, cseq: Number(cmid.split('-').at(-1)), text, clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
    const [a, b, c] = await Promise.all([visitor(one, { epoch: 'a' }), visitor(two, { epoch: 'b' }), visitor(three, { epoch: 'c' })]);
    // Two instances open a new group at the same moment: neither overwrites the other's.
    await Promise.all([ask(a.client, 'c-a-1', '恐龙蛋怎么煮'), ask(b.client, 'c-b-1', '火星快递多久到')]);
    await ask(c.client, 'c-c-1', '火星快递多久到呀');
    await ask(a.client, 'c-a-2', '火星快递多久到？');
    const report = async (server) => {
      const { client } = await openConsole(server, { name: 'Boss', role: 'admin' });
      const frame = await client.request({ type: 'hot_questions', siteId: 'demo' }, 'hot_questions');
      await client.close();
      return [frame.groups.map((g) => [g.question, g.count]), frame.total, frame.questions];
    };
    for (const server of [three, one, two]) assert.deepEqual(await report(server), [[['火星快递多久到', 3], ['恐龙蛋怎么煮', 1]], 2, 4]);
    // A third group on instance 3 replaces the one asked least (at most 2 per site), on instance 2's report too.
    await ask(c.client, 'c-c-2', '月球上能寄包裹吗');
    assert.deepEqual(await report(two), [[['火星快递多久到', 3], ['月球上能寄包裹吗', 1]], 2, 4]);
    // That was the site's fifth today: instance 2 files no sixth.
    await ask(b.client, 'c-b-2', '火星快递多久能到');
    assert.deepEqual(await report(one), [[['火星快递多久到', 3], ['月球上能寄包裹吗', 1]], 2, 4]);
    for (const v of [a, b, c]) await v.client.close();
  });
});

test('attachment uploads share one budget across instances, per visitor and per address', { skip }, async () => {
  await withInstances({ limits: { uploadBurst: 2, uploadPerMinute: 1, uploadIpBurst: 3, uploadIpPerMinute: 1 } }, async ([one, two, three]) => {
    const png = (n) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`png ${n}`)]);
    const upload = (server, token, n) => fetch(`${server.httpUrl}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' }, body: png(n) });
    const { client: v, welcome } = await visitor(one);
    const statuses = [];
    for (const [n, server] of [one, two, three].entries()) statuses.push((await upload(server, welcome.sessionToken, n)).status);
    assert.deepEqual(statuses, [201, 201, 429], 'the third upload is over the visitor\'s burst of 2, wherever it lands');
    // Another visitor from the same address: one more fits in the address's burst of 3.
    const { client: w, welcome: other } = await visitor(two);
    assert.deepEqual([(await upload(three, other.sessionToken, 10)).status, (await upload(one, other.sessionToken, 11)).status], [201, 429]);
    for (const c of [v, w]) await c.close();
  });
});

test('an agent who leaves: their visitor goes back to the queue that consoles on every instance see', { skip }, async () => {
  await withInstances({ agentReconnectGraceSeconds: 0.2 }, async ([one, two, three]) => {
    const { client: li } = await agent(two, '小李');
    const { client: wang } = await agent(three, '老王');
    const { client: v, welcome } = await visitor(one);
    await v.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    assert.equal((await li.request({ type: 'accept', conversationId: welcome.conversationId }, 'result')).ok, true);
    await wang.next((f) => f.type === 'queue' && f.entries.length === 0);
    await li.close();
    assert.equal((await v.next(isEvent('agent_left'), 5000)).name, '小李');
    assert.equal((await v.next(isEvent('queued'))).position, 1);
    const queue = await wang.next((f) => f.type === 'queue' && f.entries.length === 1, 5000);
    assert.equal(queue.entries[0].conversationId, welcome.conversationId);
    assert.equal((await wang.request({ type: 'accept', conversationId: welcome.conversationId }, 'result')).ok, true);
    for (const c of [wang, v]) await c.close();
  });
});

test('a message stored by an instance that died before passing it on reaches the agent when the visitor resends it', { skip }, async () => {
  await withInstances({}, async ([one, two], url) => {
    const { client: li } = await agent(two, '小李');
    const { client: v, welcome } = await visitor(one, { epoch: 'e' });
    await v.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    await li.request({ type: 'accept', conversationId: welcome.conversationId }, 'result');
    // What the dead instance did: committed the message, then died before the ack and the fan-out.
    const frame = { type: 'message', cmid: 'c-e-1', cseq: 1, text: '在吗', clientTime: 1 };
    const store = await PostgresStore.open(url);
    const stored = await store.appendVisitorMessage(welcome.conversationId, { ...frame, epoch: 'e', now: 2 });
    await store.close();
    assert.equal((await v.request(frame, 'ack')).seq, stored.seq, 'the resend gets the original ack');
    const seen = await li.next((f) => f.type === 'msg' && f.message.cmid === 'c-e-1');
    assert.deepEqual([seen.message.seq, seen.message.text], [stored.seq, '在吗']);
    for (const c of [li, v]) await c.close();
  });
});

test('the team wall holds across instances: a console hears of its teams\' visitors only, wherever each is connected', { skip }, async () => {
  const open = { businessHours: null, offlineWhenNoAgent: false };
  await withInstances({ sites: { siteA: open, siteB: open } }, async ([one, two, three]) => {
    const sales = (await one.teams.create({ name: 'Sales', siteIds: ['siteA'], pickFromQueue: true })).team;
    const billing = (await one.teams.create({ name: 'Billing', siteIds: ['siteB'], pickFromQueue: true })).team;
    // The other instances read the teams again when told over the bus.
    for (let i = 0; i < 100 && !(two.teams.get(billing.id) && three.teams.get(billing.id)); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const { client: li } = await openConsole(two, { name: '小李', teamIds: [sales.id] });
    const { client: wang } = await openConsole(three, { name: '老王', teamIds: [billing.id] });
    const a = await visitor(one, { siteId: 'siteA' });
    await a.client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    const b = await visitor(one, { siteId: 'siteB' });
    await b.client.request({ type: 'handoff', reason: 'visitor' }, isEvent('queued'));
    const idA = a.welcome.conversationId;
    const idB = b.welcome.conversationId;
    assert.equal((await li.next((f) => f.type === 'conversation' && f.conversation.conversationId === idA)).conversation.conversationId, idA);
    assert.equal((await wang.next((f) => f.type === 'conversation' && f.conversation.conversationId === idB)).conversation.conversationId, idB);
    assert.deepEqual((await wang.next((f) => f.type === 'queue' && f.entries.length > 0)).entries.map((e) => e.conversationId), [idB]);
    assert.equal((await li.request({ type: 'accept', conversationId: idA }, 'result')).ok, true);
    await li.request({ type: 'message', conversationId: idA, text: '您好' }, 'result');
    await a.client.next('msg');
    // Everything each console got, after the other team's frames had time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(wang.drain().filter((f) => JSON.stringify(f).includes(idA)).length, 0, 'Billing never hears of the Sales visitor');
    assert.equal(li.drain().filter((f) => JSON.stringify(f).includes(idB)).length, 0, 'Sales never hears of the Billing visitor');
    for (const c of [li, wang, a.client, b.client]) await c.close();
  });
});

test('logout, a password change, an admin reset and disabling close the account\'s consoles on every instance', { skip }, async () => {
  await withInstances({}, async ([one, two, three]) => {
    const admin = await createAccount(one, { name: 'Boss', role: 'admin' });
    const adminCookie = await logIn(one, admin.username);
    const dee = await createAccount(one, { name: 'Dee' });
    // A console on `server` on a fresh session cookie (logged in on instance 1).
    const consoleOn = async (server, password = TEST_PASSWORD) => {
      const cookie = await logIn(one, dee.username, password);
      const socket = await openAgentSocket(server, cookie);
      await socket.request({ type: 'login' }, 'ready');
      return { socket, cookie };
    };
    const endedNow = async (socket) => {
      assert.equal((await socket.next((f) => f.type === 'error', 5000)).code, 'session_ended');
      assert.equal(await socket.closed, 1008);
    };

    // Logout on instance 1 closes that session's console on instance 2, not the other session's on instance 3.
    const loggedOut = await consoleOn(two);
    const kept = await consoleOn(three);
    assert.equal((await consoleApi(one, 'logout', { body: {}, cookie: loggedOut.cookie })).status, 200);
    await endedNow(loggedOut.socket);
    assert.equal(kept.socket.drain().filter((f) => f.type === 'error').length, 0, 'the other session stays open');

    // The agent's own password change on instance 1: their consoles elsewhere close.
    const changing = await consoleOn(one);
    const response = await consoleApi(one, 'password', { body: { current: TEST_PASSWORD, password: 'a new long password' }, cookie: changing.cookie });
    assert.equal(response.status, 200);
    await endedNow(kept.socket);

    // An admin's reset on instance 1, then disabling: the consoles on instances 2 and 3 close.
    const patch = (body) => consoleApi(one, `accounts/${dee.id}`, { method: 'PATCH', body, cookie: adminCookie });
    const onTwo = await consoleOn(two, 'a new long password');
    assert.equal((await patch({ password: TEST_PASSWORD })).status, 200);
    await endedNow(onTwo.socket);
    const onThree = await consoleOn(three);
    assert.equal((await patch({ disabled: true })).status, 200);
    await endedNow(onThree.socket);
  });
});

test('a canned reply saved on one instance reaches the team\'s consoles on the others at once; another team hears nothing', { skip }, async () => {
  await withInstances({}, async ([one, two, three]) => {
    const support = (await one.teams.create({ name: 'Support' })).team;
    const sales = (await one.teams.create({ name: 'Sales' })).team;
    for (let i = 0; i < 100 && !(two.teams.get(sales.id) && three.teams.get(sales.id)); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const { client: writer } = await openConsole(one, { name: '小韩', teamIds: [support.id] });
    const { client: reader } = await openConsole(two, { name: '小冯', teamIds: [support.id] });
    const { client: other } = await openConsole(three, { name: '小邓', teamIds: [sales.id] });
    await writer.request({ type: 'canned_save', shortcut: 'ship', text: '您的包裹已发出。' }, 'canned');
    assert.deepEqual((await reader.next('canned_changed')).teams, [support.id]);
    assert.deepEqual((await reader.request({ type: 'canned' }, 'canned')).replies.map((r) => r.shortcut), ['ship']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(other.drain().filter((f) => f.type === 'canned_changed'), []);
    for (const c of [writer, reader, other]) await c.close();
  });
});
