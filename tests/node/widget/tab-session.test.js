import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaqEngine, loadKefuCore } from '../../../web/core/index.js';
import { ChatStorage } from '../../../web/widget/chat-storage.js';
import { SessionShell } from '../../../web/widget/session-shell.js';
import { TabChannel } from '../../../web/widget/tab-channel.js';
import { TabSession } from '../../../web/widget/tab-session.js';
import { coreBuild, readRepoText } from '../core-build.js';
import { fakeLocks } from './fake-locks.js';
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

// localStorage shared by the "tabs" of one origin.
class SharedLocalStorage {
  items = new Map();
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

let scopeCounter = 0;
function browserWorld() {
  return { server: new FakeServer(), locks: fakeLocks(), localStorage: new SharedLocalStorage(), scope: `site-${(scopeCounter += 1)}` };
}

function openTab(world) {
  const tab = { views: [], notices: [], rejected: [] };
  tab.session = new TabSession(
    world.scope,
    async (handlers) => {
      const storage = await ChatStorage.open(world.scope, { indexedDB: null, localStorage: world.localStorage });
      const shell = new SessionShell(
        { core, knowledge, config: { siteId: 'demo' }, storage, serverUrl: 'ws://kefu.test/ws', Socket: world.server.Socket },
        { ...handlers, onStorageError: (error) => tab.rejected.push(error) },
      );
      return shell;
    },
    {
      onView: (view) => tab.views.push(view),
      onNotify: (event, detail) => tab.notices.push({ event, detail }),
      onRejected: (event, error) => tab.rejected.push(error.code),
    },
    { locks: world.locks },
  );
  tab.session.start();
  tab.lastView = () => tab.views.at(-1);
  tab.visitorTexts = () => (tab.lastView()?.messages ?? []).filter((m) => m.author === 'visitor').map((m) => m.text);
  return tab;
}

test('two tabs: one connection; what the follower types is sent by the leader and shown in both, once', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.session.isLeader && a.lastView()?.connection === 'online', 'tab A leading and online');
  const b = openTab(world);
  await until(() => b.views.length > 0, 'tab B mirroring the view');
  assert.equal(b.session.isLeader, false);
  b.session.dispatch({ type: 'send_text', text: '从第二个标签页发的' });
  await until(() => world.server.storedTexts.length === 1 && b.visitorTexts().length === 1, 'delivery and mirror');
  await until(() => b.lastView().messages.some((m) => m.delivery === 'delivered'), 'the follower sees the ack');
  assert.deepEqual(a.visitorTexts(), ['从第二个标签页发的']);
  assert.equal(world.server.openSockets.length, 1, 'only the leader holds a socket');
  a.session.stop();
  b.session.stop();
});

test('when the leader tab closes, the follower takes over from storage; its unapplied message is sent once', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.lastView()?.connection === 'online', 'tab A online');
  const b = openTab(world);
  await until(() => b.views.length > 0, 'tab B mirroring');
  a.session.dispatch({ type: 'send_text', text: 'first, in A' });
  await until(() => world.server.storedTexts.length === 1, 'A delivered');
  // A closes while B's message is still in flight on the channel: A never applies it.
  a.session.stop();
  world.server.dropAll();
  b.session.dispatch({ type: 'send_text', text: 'second, in B' });
  await until(() => b.session.isLeader, 'B leading');
  await until(() => world.server.storedTexts.length === 2, 'B delivered');
  assert.deepEqual(world.server.storedTexts, ['first, in A', 'second, in B']);
  assert.deepEqual(b.visitorTexts(), ['first, in A', 'second, in B']);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(world.server.storedTexts.length, 2, 'nothing doubled later');
  b.session.stop();
});

test('a forwarded event that arrives twice (resent on a leader change) is applied once', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.lastView()?.connection === 'online', 'tab A online');
  const impostor = new TabChannel(world.scope);
  const applied = [];
  impostor.subscribe((message) => message.type === 'applied' && applied.push(message.payload.id));
  const event = { id: 'tab-x:1', event: { type: 'send_text', text: 'only once' } };
  impostor.publish('event', event);
  impostor.publish('event', event);
  await until(() => applied.length === 2, 'both acknowledged');
  assert.equal(a.visitorTexts().filter((text) => text === 'only once').length, 1);
  impostor.close();
  a.session.stop();
});

test('a follower learns that the leader rejected its event', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.lastView()?.connection === 'online', 'tab A online');
  const b = openTab(world);
  await until(() => b.views.length > 0, 'tab B mirroring');
  b.session.dispatch({ type: 'send_text', text: 'x'.repeat(4001) });
  await until(() => b.rejected.length === 1, 'the rejection');
  assert.deepEqual(b.rejected, ['text_too_long']);
  a.session.stop();
  b.session.stop();
});

test('the conversation counts as seen while the panel is open in any tab, not just the leader', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.lastView()?.connection === 'online', 'tab A online');
  const b = openTab(world);
  await until(() => b.views.length > 0, 'tab B mirroring');
  const readFrames = () => world.server.received.filter((frame) => frame.type === 'read').length;
  // B opens its panel, A never does: a message from the server is read at once.
  b.session.dispatch({ type: 'panel', open: true });
  await new Promise((resolve) => setTimeout(resolve, 20));
  a.session.dispatch({ type: 'panel', open: false }); // the leader's own panel closing does not hide B's
  const socket = world.server.openSockets[0];
  world.server.seq += 1;
  socket.deliver({ type: 'msg', seq: world.server.seq, serverId: `conv-1:${world.server.seq}`, author: 'agent', text: 'hello', time: 1 });
  await until(() => readFrames() === 1, 'a read receipt');
  assert.equal(a.lastView().unread, 0);
  // B closes its panel (or its tab): the next message stays unread.
  b.session.stop();
  await new Promise((resolve) => setTimeout(resolve, 20));
  world.server.seq += 1;
  socket.deliver({ type: 'msg', seq: world.server.seq, serverId: `conv-1:${world.server.seq}`, author: 'agent', text: 'still there?', time: 2 });
  await until(() => a.lastView().unread === 1, 'an unread message');
  assert.equal(readFrames(), 1);
  a.session.stop();
});

test('a leader that stored a forwarded event but closed before confirming it: the next leader does not apply it again', async () => {
  const world = browserWorld();
  const a = openTab(world);
  await until(() => a.lastView()?.connection === 'online', 'tab A online');
  // A follower whose confirmation never arrives: it resends when a new leader appears.
  const follower = new TabChannel(world.scope);
  const event = { id: 'tab-x:1', event: { type: 'send_text', text: 'stored, never confirmed' } };
  follower.publish('event', event);
  await until(() => a.visitorTexts().length === 1, 'A applied it');
  await a.session.settled();
  a.session.stop(); // before its 'applied' reached anyone that cares
  world.server.dropAll();
  const c = openTab(world);
  try {
    await until(() => c.session.isLeader && c.lastView()?.connection === 'online', 'C leading');
    const applied = [];
    follower.subscribe((message) => message.type === 'applied' && applied.push(message.payload));
    follower.publish('event', event); // what a follower does on 'leader': C has never seen this id
    await until(() => applied.length >= 1, 'C confirms');
    assert.deepEqual(applied[0], { id: 'tab-x:1', error: null });
    assert.deepEqual(c.visitorTexts(), ['stored, never confirmed']);
    await until(() => world.server.storedTexts.length === 1, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(world.server.storedTexts, ['stored, never confirmed']);
  } finally {
    follower.close();
    c.session.stop();
  }
});
