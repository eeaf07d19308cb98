// The visitor endpoint `/ws` against protocol v1 (docs/protocol.md) over a real socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { openConsole } from './helpers/console-session.js';
import { startTestServer, withTestServer } from './helpers/running-server.js';
import WebSocket from 'ws';
import { signUserId } from '../../server/security/identity.js';

const fixtures = JSON.parse(readFileSync(new URL('../../shared/protocol/fixtures.json', import.meta.url), 'utf8'));


const visitor = (server, origin = server.origin) => SocketClient.open(server.wsUrl, { origin });
const message = (cseq, text = `message ${cseq}`, extra = {}) => ({ type: 'message', cmid: `c-${extra.epoch ?? 'e'}-${cseq}`, cseq, text, clientTime: 1764000000000 + cseq, ...extra });

test('hello is answered with welcome; a message is acked with the next seq and stored', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    const welcome = await helloVisitor(client);
    assert.equal(welcome.lastSeq, 0);
    assert.equal(welcome.nextCseq, 1);
    assert.equal(welcome.state, 'bot');
    assert.match(welcome.sessionToken, /^st-/);
    const ack = await client.request(message(1, '怎么退款？'), 'ack');
    assert.deepEqual(ack, { type: 'ack', cmid: 'c-e-1', cseq: 1, seq: 1, serverId: `${welcome.conversationId}:1` });
    const page = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.deepEqual(page.messages.map((m) => [m.seq, m.author, m.text, m.cmid]), [[1, 'visitor', '怎么退款？', 'c-e-1']]);
    await client.close();
  });
});

test('every valid client fixture is accepted; every invalid one gets its documented error and changes nothing', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    const welcome = await helloVisitor(client);
    for (const { name, frame } of fixtures.valid.filter((f) => f.direction === 'toServer' && f.frame.type !== 'hello')) {
      client.send(frame);
      const sent = JSON.stringify(frame);
      // A ping is the sentinel: its pong arrives after every reply to the frame before it.
      await client.request({ type: 'ping', t: 7 }, (f) => f.type === 'pong' && f.t === 7);
      const errors = client.drain().filter((f) => f.type === 'error' && f.code.startsWith('frame_'));
      assert.deepEqual(errors, [], `${name}: ${sent}`);
    }
    const before = (await client.request({ type: 'resync', afterSeq: 0 }, 'resync')).lastSeq;
    const invalid = fixtures.invalid.filter((f) => f.direction === 'toServer');
    assert.ok(invalid.length >= 8);
    for (const { name, text, error } of invalid) {
      client.send(text);
      const reply = await client.next((f) => f.type === 'error');
      assert.equal(reply.code, error, name);
    }
    // The invalid message fixtures (missing cmid, empty text) stored nothing.
    assert.equal((await client.request({ type: 'resync', afterSeq: 0 }, 'resync')).lastSeq, before);
    assert.ok(welcome.conversationId);
    await client.close();
  });
});

test('a repeated cmid gets the original ack: on the same socket, after a reconnect, and after a server restart', async () => {
  const first = await startTestServer();
  const client = await visitor(first);
  const welcome = await helloVisitor(client, { epoch: 'e' });
  const original = await client.request(message(1), 'ack');
  await client.request(message(2), 'ack');
  assert.deepEqual(await client.request(message(1), 'ack'), original);
  await client.close();

  const again = await visitor(first);
  const resumed = await helloVisitor(again, { epoch: 'e', sessionToken: welcome.sessionToken, lastSeq: 2 });
  assert.equal(resumed.conversationId, welcome.conversationId);
  assert.equal(resumed.nextCseq, 3);
  assert.deepEqual(await again.request(message(1), 'ack'), original);
  await again.close();
  await first.close();

  const restarted = await startTestServer({ dataDir: first.dataDir });
  try {
    const afterRestart = await visitor(restarted);
    const welcomeAfter = await helloVisitor(afterRestart, { epoch: 'e', sessionToken: welcome.sessionToken, lastSeq: 2 });
    assert.equal(welcomeAfter.conversationId, welcome.conversationId);
    assert.equal(welcomeAfter.nextCseq, 3, 'the expected cseq survives a restart');
    assert.deepEqual(await afterRestart.request(message(1), 'ack'), original);
    const third = await afterRestart.request(message(3), 'ack');
    assert.equal(third.seq, 3);
    const page = await afterRestart.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.deepEqual(page.messages.map((m) => m.cmid), ['c-e-1', 'c-e-2', 'c-e-3'], 'each message exactly once, in order');
    await afterRestart.close();
  } finally {
    await restarted.close();
    restarted.removeData();
  }
});

test('a cseq gap is answered with nack {expectedCseq} and stores nothing; a new epoch starts at 1', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    await helloVisitor(client, { epoch: 'e' });
    await client.request(message(1), 'ack');
    const nack = await client.request(message(3), (f) => f.type === 'nack' || f.type === 'ack');
    assert.deepEqual(nack, { type: 'nack', cmid: 'c-e-3', expectedCseq: 2 });
    assert.equal((await client.request(message(2), 'ack')).seq, 2);
    assert.equal((await client.request(message(3), 'ack')).seq, 3);
    await client.close();

    // A reload starts a new client epoch: its cseq runs from 1 again in the same conversation.
    const other = await visitor(server);
    const welcome = await helloVisitor(other, { epoch: 'e2' });
    assert.equal(welcome.nextCseq, 1);
    await other.close();
  });
});

test('resync pages through at most 500 messages at a time', async () => {
  await withTestServer({ config: { limits: { visitorBurst: 1000, ipBurst: 1000 } } }, async (server) => {
    const client = await visitor(server);
    await helloVisitor(client, { epoch: 'e' });
    for (let cseq = 1; cseq <= 620; cseq += 1) client.send(message(cseq));
    for (let cseq = 1; cseq <= 620; cseq += 1) await client.next('ack', 10_000);
    const first = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.equal(first.messages.length, 500);
    assert.equal(first.more, true);
    assert.equal(first.lastSeq, 620);
    const second = await client.request({ type: 'resync', afterSeq: first.messages.at(-1).seq }, 'resync');
    assert.deepEqual([second.messages.length, second.more, second.messages[0].seq], [120, false, 501]);
    await client.close();
  });
});

test('a socket from an origin the site does not list is refused', async () => {
  await withTestServer({ config: { sites: { demo: { allowedOrigins: ['https://*.lumen.example'] } } } }, async (server) => {
    const stranger = await visitor(server, 'https://evil.example');
    const refusal = await stranger.request({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v', epoch: 'e', sessionToken: null, lastSeq: 0 }, 'error');
    assert.equal(refusal.code, 'origin_not_allowed');
    assert.equal(await stranger.closed, 1008);

    const listed = await visitor(server, 'https://help.lumen.example');
    assert.equal((await helloVisitor(listed)).type, 'welcome');
    await listed.close();
    const noOrigin = await SocketClient.open(server.wsUrl);
    assert.equal((await noOrigin.request({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v', epoch: 'e', sessionToken: null, lastSeq: 0 }, 'error')).code, 'origin_not_allowed');
  });
});

test('an unknown site is refused; frames before hello are refused', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    assert.equal((await client.request(message(1), 'error')).code, 'hello_required');
    const refusal = await client.request({ type: 'hello', v: 1, siteId: 'nope', visitorId: 'v', epoch: 'e', sessionToken: null, lastSeq: 0 }, 'error');
    assert.equal(refusal.code, 'unknown_site');
  });
});

test('past the per-visitor burst, messages get rate_limited with retryAfterMs and are not stored', async () => {
  await withTestServer({ config: { limits: { visitorBurst: 3, visitorPerMinute: 1 } } }, async (server) => {
    const client = await visitor(server);
    await helloVisitor(client, { epoch: 'e' });
    for (let cseq = 1; cseq <= 3; cseq += 1) await client.request(message(cseq), 'ack');
    const limited = await client.request(message(4), (f) => f.type === 'error' || f.type === 'ack');
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.cmid, 'c-e-4');
    assert.ok(limited.retryAfterMs > 0);
    assert.equal((await client.request({ type: 'resync', afterSeq: 0 }, 'resync')).lastSeq, 3);
    await client.close();
  });
});

test('the per-IP limit holds across visitors sharing an address', async () => {
  await withTestServer({ config: { limits: { ipBurst: 2, ipPerMinute: 1 } } }, async (server) => {
    const replies = [];
    for (let i = 0; i < 3; i += 1) {
      const client = await visitor(server);
      await helloVisitor(client, { epoch: `e${i}` });
      replies.push(await client.request(message(1, 'hi', { cmid: `c-${i}` }), (f) => f.type === 'error' || f.type === 'ack'));
      await client.close();
    }
    assert.deepEqual(replies.map((r) => r.type === 'error' ? r.code : r.type), ['ack', 'ack', 'rate_limited']);
  });
});

test('a frame over 64 KiB is refused with frame_too_large; the socket stays usable', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    await helloVisitor(client, { epoch: 'e' });
    client.send(JSON.stringify(message(1, 'x'.repeat(70 * 1024))));
    assert.equal((await client.next('error')).code, 'frame_too_large');
    // Over the text limit (4,000 code points) but under the frame size: frame_invalid.
    client.send(message(1, '退'.repeat(4001)));
    const tooLong = await client.next('error');
    assert.equal(tooLong.code, 'frame_invalid');
    assert.match(tooLong.message, /^text:/);
    assert.equal((await client.request(message(1, '退'.repeat(4000)), 'ack')).seq, 1);
    await client.close();
  });
});

test('a signed identity is verified; a wrong or missing hash leaves the visitor anonymous', async () => {
  const secret = 'site-secret';
  await withTestServer({ config: { sites: { demo: { identitySecret: secret } } } }, async (server) => {
    const open = async (identity) => {
      const client = await visitor(server);
      const welcome = await helloVisitor(client, { identity });
      await client.close();
      return welcome.conversationId;
    };
    const signed = await open({ id: 'user-42', name: 'Wang', hash: signUserId(secret, 'user-42') });
    const forged = await open({ id: 'user-42', name: 'Wang', hash: signUserId('guess', 'user-42') });
    const unsigned = await open({ id: 'user-42', name: 'Wang' });
    const { client: agent } = await openConsole(server, { name: 'Li' });
    const who = async (conversationId) => (await agent.request({ type: 'history', conversationId }, 'history')).conversation.verifiedUserId;
    assert.equal(await who(signed), 'user-42');
    assert.equal(await who(forged), null);
    assert.equal(await who(unsigned), null);
    await agent.close();
  });
});

test('the bot reply is recorded after the question with replyTo; other tabs get the echo', async () => {
  await withTestServer({}, async (server) => {
    const tab1 = await visitor(server);
    const welcome = await helloVisitor(tab1, { epoch: 'e' });
    const tab2 = await visitor(server);
    await helloVisitor(tab2, { epoch: 'e-other', sessionToken: welcome.sessionToken });
    const ack = await tab1.request(message(1, '忘记密码了', { bot: { tier: 'answer', faqId: 'reset-password', answer: '在登录页点击“忘记密码”。' } }), 'ack');
    assert.equal(ack.seq, 1);
    const reply = await tab1.next('msg');
    const kbAnswer = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8')).faqs.find((faq) => faq.id === 'reset-password').answer.default;
    assert.deepEqual([reply.seq, reply.author, reply.text, reply.replyTo], [2, 'bot', kbAnswer, 'c-e-1'], 'the KB\'s answer, as the server\'s engine found it');
    const echo = await tab2.next('msg');
    assert.deepEqual([echo.seq, echo.author, echo.cmid], [1, 'visitor', 'c-e-1']);
    assert.equal((await tab2.next('msg')).seq, 2);
    assert.deepEqual(tab1.pending(), [], 'the sender gets no echo of its own message (the ack told it the seq)');
    await tab1.close();
    await tab2.close();
  });
});

test('ticket is deduplicated by cmid; ping gets pong', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    await helloVisitor(client);
    const ticket = { type: 'ticket', cmid: 't-1', message: '请明天上午回电', contact: '13800000000' };
    const first = await client.request(ticket, 'event');
    const again = await client.request(ticket, 'event');
    assert.equal(first.event, 'ticket_created');
    assert.equal(again.ticketId, first.ticketId);
    assert.deepEqual(await client.request({ type: 'ping', t: 99 }, 'pong'), { type: 'pong', t: 99 });
    await client.close();
  });
});

test('a socket that never says hello, or goes silent after welcome, is closed', async () => {
  await withTestServer({ config: { limits: { helloTimeoutMs: 100, idleTimeoutMs: 1000 } } }, async (server) => {
    const mute = await visitor(server);
    const started = Date.now();
    await mute.closed;
    assert.ok(Date.now() - started < 3000);

    const chatty = await visitor(server);
    await helloVisitor(chatty);
    // Frames keep it open past the idle limit…
    for (let i = 0; i < 4; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await chatty.request({ type: 'ping', t: i }, 'pong');
    }
    // …silence closes it.
    await chatty.closed;
  });
});

test('a token the server no longer knows opens a new conversation that takes the epoch\'s cseq from its first message', async () => {
  await withTestServer({}, async (server) => {
    const client = await visitor(server);
    // The client numbered messages 1-5 in a conversation this server has lost (say, its data was restored from an old backup).
    const welcome = await helloVisitor(client, { epoch: 'e', sessionToken: 'st-from-a-lost-conversation', lastSeq: 9 });
    assert.notEqual(welcome.sessionToken, 'st-from-a-lost-conversation');
    assert.equal((await client.request(message(6), (f) => f.type === 'ack' || f.type === 'nack')).type, 'ack');
    assert.equal((await client.request(message(7), 'ack')).seq, 2);
    assert.deepEqual(await client.request(message(9), (f) => f.type === 'ack' || f.type === 'nack'), { type: 'nack', cmid: 'c-e-9', expectedCseq: 8 });
    await client.close();
    // Without a token (a fresh visitor) the epoch starts at 1 as always.
    const fresh = await visitor(server);
    await helloVisitor(fresh, { epoch: 'f' });
    assert.deepEqual(await fresh.request(message(2, 'x', { cmid: 'c-f-2' }), (f) => f.type === 'ack' || f.type === 'nack'), { type: 'nack', cmid: 'c-f-2', expectedCseq: 1 });
    await fresh.close();
  });
});

test('past the per-IP hello limit a new chat is refused with rate_limited and the socket closed', async () => {
  await withTestServer({ config: { limits: { helloBurst: 2, helloPerMinute: 1 } } }, async (server) => {
    for (let i = 0; i < 2; i += 1) {
      const client = await visitor(server);
      await helloVisitor(client);
      await client.close();
    }
    const third = await visitor(server);
    const refusal = await third.request({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v', epoch: 'e', sessionToken: null, lastSeq: 0 }, 'error');
    assert.deepEqual([refusal.code, refusal.retryAfterMs], ['rate_limited', 5000]);
    assert.equal(await third.closed, 1013);
  });
});

test('with the proxy in trustProxy the per-IP limit keys on the address it appended to X-Forwarded-For', async () => {
  const throughProxy = async (server, forwardedFor) => {
    const client = new SocketClient(new WebSocket(server.wsUrl, { origin: server.origin, headers: { 'x-forwarded-for': forwardedFor } }), true);
    await client.opened;
    return client;
  };
  for (const trustProxy of [['127.0.0.1'], ['10.0.0.9'], []]) {
    await withTestServer({ config: { trustProxy, limits: { helloBurst: 1, helloPerMinute: 1 } } }, async (server) => {
      const first = await throughProxy(server, '198.51.100.7, 203.0.113.1');
      assert.equal((await helloVisitor(first)).type, 'welcome');
      // A different visitor behind the same proxy: its own budget only if the header is trusted.
      const second = await throughProxy(server, '198.51.100.7, 203.0.113.2');
      const reply = await second.request({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v2', epoch: 'e2', sessionToken: null, lastSeq: 0 }, (f) => f.type === 'welcome' || f.type === 'error');
      // The test's socket comes from 127.0.0.1: only then is it the trusted proxy.
      assert.equal(reply.type, trustProxy.includes('127.0.0.1') ? 'welcome' : 'error', `trustProxy ${trustProxy}`);
      await first.close();
    });
  }
});
