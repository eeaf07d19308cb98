// What one client address may hold open, and for how long (docs/security.md): the
// per-address connection cap, the /agent login timeout, the HTTP timeouts that drop
// connections which send nothing or trickle their headers, and the pre-chat rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { startTestServer, withTestServer } from './helpers/running-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { createAccount, logIn, openAgentSocket, openConsole } from './helpers/console-session.js';

const port = (server) => Number(new URL(server.httpUrl).port);

/** A TCP connection from `localAddress` that sends nothing; `closed` resolves when the server drops it. */
function idleConnection(server, localAddress = '127.0.0.1') {
  const socket = connect({ host: '127.0.0.1', port: port(server), localAddress });
  socket.on('error', () => {});
  let answer = '';
  socket.on('data', (chunk) => { answer += chunk; });
  const closed = new Promise((resolve) => socket.once('close', () => resolve(answer)));
  const opened = new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed, opened, isOpen: () => !socket.destroyed };
}

/** A visitor socket from `localAddress`; resolves to the welcome, rejects when refused. */
async function welcomeFrom(server, localAddress) {
  const client = new SocketClient(new WebSocket(server.wsUrl, { origin: server.origin, localAddress }), true);
  await client.opened;
  const started = performance.now();
  const welcome = await helloVisitor(client);
  return { client, welcome, ms: performance.now() - started };
}

const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('one address holds at most maxConnectionsPerIp connections; another address still chats, and a closed one frees its place', async () => {
  await withTestServer({ config: { limits: { maxConnectionsPerIp: 5 } } }, async (server) => {
    const hostile = Array.from({ length: 8 }, () => idleConnection(server));
    await Promise.all(hostile.map((c) => c.opened));
    await settle(200);
    assert.equal(hostile.filter((c) => c.isOpen()).length, 5);
    // Full: a WebSocket from the same address is not let in…
    await assert.rejects(welcomeFrom(server, '127.0.0.1'));
    // …one from another address is.
    const other = await welcomeFrom(server, '127.0.0.2');
    assert.equal(other.welcome.type, 'welcome');
    await other.client.close();
    hostile.find((c) => c.isOpen()).socket.destroy();
    await settle(100);
    const again = await welcomeFrom(server, '127.0.0.1');
    assert.equal(again.welcome.type, 'welcome');
    await again.client.close();
    for (const c of hostile) c.socket.destroy();
  });
});

test('behind a trusted proxy the cap counts WebSockets per forwarded address, not the proxy\'s', async () => {
  await withTestServer({ config: { trustProxy: ['127.0.0.1'], limits: { maxConnectionsPerIp: 2 } } }, async (server) => {
    const through = (forwardedFor) => {
      const client = new SocketClient(new WebSocket(server.wsUrl, { origin: server.origin, headers: { 'x-forwarded-for': forwardedFor } }), true);
      return client.opened.then(() => client);
    };
    const first = [await through('198.51.100.7'), await through('198.51.100.7')];
    await assert.rejects(through('198.51.100.7'), /503/);
    const other = await through('198.51.100.8');
    assert.equal((await helloVisitor(other)).type, 'welcome');
    for (const client of [...first, other]) await client.close();
  });
});

test('the many-hostile-sockets target, scaled down: 600 idle sockets from one address (TCP, /ws without hello, /agent without login) leave a visitor from another address its welcome within 1 s', async () => {
  const cap = 100;
  await withTestServer({ config: { limits: { maxConnectionsPerIp: cap } } }, async (server) => {
    const hostile = [];
    for (let i = 0; i < 200; i += 1) hostile.push(idleConnection(server));
    const sockets = [];
    for (let i = 0; i < 400; i += 1) {
      const socket = new WebSocket(i % 2 ? server.agentUrl : server.wsUrl, { origin: server.origin });
      socket.on('error', () => {});
      sockets.push(socket);
    }
    // The server accepts the queued connections at its own pace: wait for it to refuse the excess.
    const openCount = () => hostile.filter((c) => c.isOpen()).length + sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length;
    for (const deadline = Date.now() + 5000; openCount() > cap && Date.now() < deadline;) await settle(50);
    assert.ok(openCount() <= cap, `${openCount()} hostile connections open (cap ${cap})`);
    const visitor = await welcomeFrom(server, '127.0.0.2');
    assert.ok(visitor.ms < 1000, `welcome after ${visitor.ms} ms`);
    await visitor.client.close();
    for (const c of hostile) c.socket.destroy();
    for (const s of sockets) s.terminate();
  });
});

test('a connection that sends nothing, or trickles its headers, is dropped after headersTimeoutMs', async () => {
  await withTestServer({ config: { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } } }, async (server) => {
    const started = performance.now();
    const silent = idleConnection(server);
    const trickle = idleConnection(server);
    await trickle.opened;
    trickle.socket.write('GET / HTTP/1.1\r\n');
    const drip = setInterval(() => trickle.socket.write('X-Drip: 1\r\n'), 100);
    const [silentAnswer, trickleAnswer] = await Promise.all([silent.closed, trickle.closed]);
    clearInterval(drip);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1500, `dropped after ${elapsed} ms`);
    assert.match(silentAnswer, /^HTTP\/1\.1 408/);
    assert.match(trickleAnswer, /^HTTP\/1\.1 408/);
  });
});

test('an /agent socket that does not log in within loginTimeoutMs is closed; a logged-in one stays', async () => {
  await withTestServer({ config: { limits: { loginTimeoutMs: 200 } } }, async (server) => {
    const cookie = await logIn(server, (await createAccount(server)).username);
    const mute = await openAgentSocket(server, cookie);
    const agent = await openAgentSocket(server, cookie);
    await agent.request({ type: 'login' }, 'ready');
    const started = performance.now();
    await mute.closed;
    assert.ok(performance.now() - started < 2000);
    await settle(300);
    assert.equal((await agent.request({ type: 'ratings' }, 'ratings')).type, 'ratings');
    await agent.close();
  });
});

test('pre-chat forms past the per-visitor burst get rate_limited and are not stored', async () => {
  await withTestServer({ config: { limits: { prechatBurst: 2, prechatPerMinute: 1 } } }, async (server) => {
    const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
    const { conversationId } = await helloVisitor(client);
    for (const name of ['a', 'b']) {
      client.send({ type: 'prechat', fields: { name } });
      await client.request({ type: 'ping', t: 1 }, 'pong');
    }
    client.send({ type: 'prechat', fields: { name: 'c' } });
    const refusal = await client.next('error');
    assert.deepEqual([refusal.code, refusal.retryAfterMs], ['rate_limited', 60_000]);
    const { client: agent } = await openConsole(server);
    const history = await agent.request({ type: 'history', conversationId }, 'history');
    assert.deepEqual(history.conversation.prechat, { name: 'b' });
    await agent.close();
    await client.close();
  });
});
