import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabLeadership } from '../../../web/widget/tab-leadership.js';
import { TabChannel } from '../../../web/widget/tab-channel.js';
import { fakeLocks } from './fake-locks.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('exactly one tab leads; when it stops the next one takes over', async () => {
  const locks = fakeLocks();
  const led = [];
  const tabs = ['a', 'b', 'c'].map((name) => new TabLeadership('site-1', () => led.push(name)));
  tabs.forEach((tab) => tab.start(locks));
  await tick();
  assert.deepEqual(led, ['a']);
  assert.deepEqual(tabs.map((tab) => tab.isLeader), [true, false, false]);

  tabs[0].stop();
  await tick();
  assert.deepEqual(led, ['a', 'b']);
  tabs[2].stop(); // a follower leaving changes nothing
  tabs[1].stop();
  await tick();
  assert.deepEqual(led, ['a', 'b']);
});

test('sites do not share a leader', async () => {
  const locks = fakeLocks();
  const led = [];
  new TabLeadership('site-1', () => led.push(1)).start(locks);
  new TabLeadership('site-2', () => led.push(2)).start(locks);
  await tick();
  assert.deepEqual(led.sort(), [1, 2]);
});

test('without Web Locks a tab leads on its own', () => {
  let led = false;
  new TabLeadership('site-1', () => (led = true)).start(undefined);
  assert.equal(led, true);
});

test('tab messages reach the other tabs of the site, not the sender', async () => {
  const a = new TabChannel('site-x');
  const b = new TabChannel('site-x');
  const other = new TabChannel('site-y');
  const seenByA = [];
  const seenByB = [];
  const seenByOther = [];
  a.subscribe((message) => seenByA.push(message));
  b.subscribe((message) => seenByB.push(message));
  other.subscribe((message) => seenByOther.push(message));
  a.publish('visitor-text', { text: '你好' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seenByB, [{ type: 'visitor-text', payload: { text: '你好' } }]);
  assert.deepEqual(seenByA, []);
  assert.deepEqual(seenByOther, []);
  [a, b, other].forEach((channel) => channel.close());
});
