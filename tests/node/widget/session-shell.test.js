import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaqEngine, loadKefuCore } from '../../../web/core/index.js';
import { ChatStorage } from '../../../web/widget/chat-storage.js';
import { SessionShell } from '../../../web/widget/session-shell.js';
import { coreBuild, readRepoText } from '../core-build.js';
import { FakeServer } from './fake-socket.js';

const core = await loadKefuCore({ build: coreBuild });
// The demo KB's trained index, as the server serves it.
const trained = new FaqEngine(core, readRepoText('shared/kb/demo.json'));
const demoIndex = trained.exportIndex();
trained.dispose();
const knowledge = Promise.resolve({ bytes: demoIndex, version: null });
const until = async (condition, what, timeoutMs = 3000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

async function startShell(server, storage) {
  const seen = { views: [], notices: [], knowledge: [], storageErrors: [] };
  const shell = new SessionShell(
    { core, knowledge, config: { siteId: 'demo', locale: 'zh-CN' }, storage, serverUrl: 'ws://kefu.test/ws', Socket: server.Socket },
    {
      onRender: (view) => seen.views.push(view),
      onNotify: (event, detail) => (event === 'kb_ready' ? seen.knowledge : seen.notices).push({ event, detail }),
      onStorageError: (error) => seen.storageErrors.push(error),
    },
  );
  await shell.start();
  return { shell, seen };
}

const memoryStorage = () => ChatStorage.open('demo', { indexedDB: null, localStorage: null });

test('the shell connects, says hello, and the bot answers locally while the message is delivered', async () => {
  const server = new FakeServer();
  const { shell, seen } = await startShell(server, await memoryStorage());
  await until(() => shell.view().connection === 'online', 'the welcome');
  assert.equal(server.received[0].type, 'hello');
  shell.dispatch({ type: 'send_text', text: '忘记密码了怎么办' });
  assert.equal(shell.view().messages.at(-1).tier, 'answer', 'answered at once, before any server round trip');
  await until(() => shell.view().messages[0].delivery === 'delivered', 'the ack');
  assert.deepEqual(server.storedTexts, ['忘记密码了怎么办']);
  assert.ok(seen.views.length > 0, 'render effects redraw');
  assert.deepEqual(seen.storageErrors, []);
  shell.stop();
});

test('the chat runs before the index arrives; a question asked meanwhile waits for it and is answered by the bot', async () => {
  const server = new FakeServer();
  let deliver;
  const late = new Promise((resolve) => {
    deliver = resolve;
  });
  const seen = { notices: [] };
  const shell = new SessionShell(
    { core, knowledge: late, config: { siteId: 'demo', locale: 'zh-CN' }, storage: await memoryStorage(), serverUrl: 'ws://kefu.test/ws', Socket: server.Socket },
    { onRender: () => {}, onNotify: (event, detail) => seen.notices.push({ event, detail }), onStorageError: () => {} },
  );
  await shell.start();
  await until(() => shell.view().connection === 'online', 'the welcome');
  shell.dispatch({ type: 'send_text', text: '忘记密码了怎么办' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(shell.view().messages, [], 'held: without the index the bot would hand it to people');
  assert.deepEqual(server.storedTexts, []);
  deliver({ bytes: demoIndex, version: 'v1' });
  await until(() => shell.view().messages.length > 0, 'the held question');
  assert.equal(shell.view().messages.at(-1).tier, 'answer');
  assert.deepEqual(seen.notices.filter(({ event }) => event === 'kb_ready'), [{ event: 'kb_ready', detail: { version: 'v1', faqs: 42 } }]);
  await until(() => server.storedTexts.length === 1, 'the delivery');
  shell.stop();
});

test('an index that cannot be had leaves the bot silent; held questions go to people', async () => {
  const server = new FakeServer();
  const seen = { notices: [] };
  const shell = new SessionShell(
    { core, knowledge: Promise.resolve({ bytes: new Uint8Array([1, 2, 3]), version: null }), config: { siteId: 'demo' }, storage: await memoryStorage(), serverUrl: 'ws://kefu.test/ws', Socket: server.Socket },
    { onRender: () => {}, onNotify: (event, detail) => seen.notices.push({ event, detail }), onStorageError: () => {} },
  );
  await shell.start();
  shell.dispatch({ type: 'send_text', text: '忘记密码了怎么办' });
  await until(() => shell.view().messages.length > 0, 'the question');
  assert.equal(shell.view().messages.at(-1).author, 'visitor');
  assert.equal(seen.notices[0].event, 'error');
  assert.equal(seen.notices[0].detail.code, 'kb_index_corrupt');
  shell.stop();
});

test('messages typed while the server is unreachable are stored, and delivered once after a reload', async () => {
  const server = new FakeServer();
  server.reachable = false;
  const storage = await memoryStorage();
  const first = await startShell(server, storage);
  await until(() => first.seen.knowledge.length > 0, 'the index');
  first.shell.dispatch({ type: 'send_text', text: 'one' });
  first.shell.dispatch({ type: 'send_text', text: 'two' });
  await first.shell.settled();
  assert.deepEqual(server.storedTexts, []);
  first.shell.stop(); // the page goes away

  server.reachable = true;
  const second = await startShell(server, storage); // the reload, same storage
  assert.deepEqual(second.shell.view().messages.filter((m) => m.author === 'visitor').map((m) => m.text), ['one', 'two']);
  await until(() => second.shell.view().messages.filter((m) => m.delivery === 'delivered').length === 2, 'both acks');
  assert.deepEqual(server.storedTexts, ['one', 'two']);
  second.shell.stop();
});

test('a dropped connection is reopened when the core says so, and nudge() skips the wait', async () => {
  const server = new FakeServer();
  const { shell } = await startShell(server, await memoryStorage());
  await until(() => shell.view().connection === 'online', 'the welcome');
  server.reachable = false;
  server.dropAll();
  await until(() => shell.view().connection === 'offline', 'the drop');
  shell.dispatch({ type: 'send_text', text: 'while down' });
  server.reachable = true;
  const socketsBefore = server.sockets.length;
  shell.nudge();
  assert.equal(server.sockets.length, socketsBefore + 1, 'nudge opens a socket at once');
  await until(() => server.storedTexts.includes('while down'), 'delivery after the nudge');
  shell.stop();
});

test('identify() adds the identity to hello and remakes a connection made without it', async () => {
  const server = new FakeServer();
  const { shell } = await startShell(server, await memoryStorage());
  await until(() => shell.view().connection === 'online', 'the welcome');
  shell.setHelloFields({ identity: { id: 'u-1', name: '王芳', hash: 'ab'.repeat(32) } });
  await until(() => server.received.filter((f) => f.type === 'hello').length === 2, 'a second hello', 5000);
  assert.deepEqual(server.received.filter((f) => f.type === 'hello').at(-1).identity, { id: 'u-1', name: '王芳', hash: 'ab'.repeat(32) });
  assert.equal(server.received[0].identity, undefined);
  shell.stop();
});

test('a message the server never acknowledges fails, and retry sends it again, once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_764_000_000_000 });
  // Mocked time moves only when told to; promises still need their turn in between.
  const advance = async (ms, step = 500) => {
    for (let passed = 0; passed < ms; passed += step) {
      t.mock.timers.tick(step);
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
    }
  };
  const server = new FakeServer();
  const storage = await memoryStorage();
  const shell = new SessionShell(
    { core, knowledge, config: { siteId: 'demo', outbox: { maxAttempts: 2 } }, storage, serverUrl: 'ws://kefu.test/ws', Socket: server.Socket },
    { onRender() {}, onNotify() {}, onStorageError() {} },
  );
  await shell.start();
  await advance(1000, 1);
  assert.equal(shell.view().connection, 'online');
  server.acking = false;
  shell.dispatch({ type: 'send_text', text: 'into the void' });
  const mine = () => shell.view().messages.find((m) => m.author === 'visitor');
  for (let i = 0; i < 40 && mine().delivery !== 'failed'; i += 1) await advance(5000);
  assert.equal(mine().delivery, 'failed');
  assert.equal(server.received.filter((f) => f.type === 'message').length, 2, 'sent maxAttempts times, then given up');

  server.acking = true;
  shell.dispatch({ type: 'retry', cmid: mine().id });
  for (let i = 0; i < 40 && mine().delivery !== 'delivered'; i += 1) await advance(1000);
  assert.equal(mine().delivery, 'delivered');
  assert.deepEqual(server.storedTexts, ['into the void']);
  shell.stop();
});

test('a server that refuses this page (close 1008 origin_not_allowed): the page hears it once and the socket is never dialled again', async () => {
  const server = new FakeServer();
  server.refusal = { code: 'origin_not_allowed', closeCode: 1008 };
  const { shell, seen } = await startShell(server, await memoryStorage());
  await until(() => seen.notices.length > 0, 'the refusal');
  // The core's first reconnect would come after about a second.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  shell.nudge(); // the browser's `online` event or a visible tab: still nothing
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen.notices.map(({ event, detail }) => [event, detail.code]), [['error', 'origin_not_allowed']]);
  assert.equal(server.sockets.length, 1);
  shell.stop();
});

test('an error frame before welcome reaches the page with its own code, and a refusal that may pass is retried', async () => {
  const server = new FakeServer();
  server.refusal = { code: 'rate_limited', closeCode: 1013 };
  const { shell, seen } = await startShell(server, await memoryStorage());
  await until(() => server.sockets.length >= 2, 'a reconnect after backoff', 5000);
  assert.deepEqual(seen.notices.map(({ detail }) => detail.code).slice(0, 1), ['rate_limited']);
  assert.ok(!seen.notices.some(({ detail }) => detail.code === 'not_welcomed'));
  shell.stop();
});
