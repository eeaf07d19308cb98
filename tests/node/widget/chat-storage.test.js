import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatStorage } from '../../../web/widget/chat-storage.js';

class FakeLocalStorage {
  items = new Map();
  quotaBytes = Infinity;
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    const used = [...this.items].reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    if (used + key.length + String(value).length > this.quotaBytes) {
      throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    }
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

test('without IndexedDB, localStorage keeps snapshot and journal across reopening', async () => {
  const local = new FakeLocalStorage();
  const first = await ChatStorage.open('site-1', { indexedDB: null, localStorage: local });
  assert.equal(first.kind, 'localstorage');
  await first.replace('snapshot-1');
  await first.append(['r1', 'r2']);
  await first.append(['r3']);
  const reopened = await ChatStorage.open('site-1', { indexedDB: null, localStorage: local });
  assert.deepEqual(await reopened.load(), { snapshot: 'snapshot-1', journal: ['r1', 'r2', 'r3'] });
  await reopened.replace('snapshot-2');
  assert.deepEqual(await reopened.load(), { snapshot: 'snapshot-2', journal: [] });
  assert.equal([...local.items.keys()].filter((key) => key.includes(':journal:')).length, 0, 'compaction removes old records');
});

test('sites are kept apart', async () => {
  const local = new FakeLocalStorage();
  const a = await ChatStorage.open('a', { indexedDB: null, localStorage: local });
  const b = await ChatStorage.open('b', { indexedDB: null, localStorage: local });
  await a.append(['only-a']);
  assert.deepEqual((await b.load()).journal, []);
});

test('a quota error drops to memory, reports once, and keeps every record', async () => {
  const local = new FakeLocalStorage();
  const reasons = [];
  const storage = await ChatStorage.open('site-1', { indexedDB: null, localStorage: local, onDegraded: (reason) => reasons.push(reason) });
  await storage.append(['small']);
  local.quotaBytes = 0;
  await storage.append(['x'.repeat(100)]);
  await storage.append(['after']);
  assert.equal(storage.kind, 'memory');
  assert.equal(storage.durable, false);
  assert.deepEqual(reasons, ['quota']);
  assert.deepEqual((await storage.load()).journal, ['small', 'x'.repeat(100), 'after']);
});

test('no storage at all: memory, reported as unavailable', async () => {
  const reasons = [];
  const refusing = { setItem() { throw new Error('SecurityError'); }, getItem() { return null; }, removeItem() {} };
  const storage = await ChatStorage.open('site-1', { indexedDB: null, localStorage: refusing, onDegraded: (reason) => reasons.push(reason) });
  assert.equal(storage.kind, 'memory');
  assert.deepEqual(reasons, ['unavailable']);
  await storage.append(['kept in memory']);
  assert.deepEqual((await storage.load()).journal, ['kept in memory']);
});

test('a torn localStorage journal stops at the first missing record', async () => {
  const local = new FakeLocalStorage();
  const storage = await ChatStorage.open('s', { indexedDB: null, localStorage: local });
  await storage.append(['a', 'b', 'c']);
  local.removeItem('kefu:s:journal:1');
  assert.deepEqual((await storage.load()).journal, ['a']);
});
