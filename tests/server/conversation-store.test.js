// LevelDB-only behaviour; what every store does is in store-contract.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { ConversationStore } from '../../server/store/conversation-store.js';

function tempDir() {
  return mkdtempSync(join(tmpdir(), 'kefu-store-'));
}

test('a process killed with SIGKILL loses no acknowledged message', async () => {
  const dir = tempDir();
  const writer = fileURLToPath(new URL('./fixtures/store-writer.js', import.meta.url));
  const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = [];
  let conversationId = null;
  let buffered = '';
  await new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const event = JSON.parse(line);
        if (event.conversationId) conversationId = event.conversationId;
        if (event.acked) acked.push(event.acked);
        if (acked.length === 200 && !child.killed) {
          child.kill('SIGKILL'); // mid-stream: the writer keeps appending until killed
          resolve();
        }
      }
    });
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const store = await ConversationStore.open(dir);
  const stored = await store.messagesAfter(conversationId, 0, 100_000);
  const storedCmids = new Set(stored.map((message) => message.cmid));
  for (const cmid of acked) assert.ok(storedCmids.has(cmid), `acked ${cmid} was lost`);
  assert.deepEqual(stored.map((message) => message.seq), stored.map((_, i) => i + 1), 'seqs stay gap-free');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('with tiny caches the store reads back what it forgot: seqs, dedup and expected cseq stay right', async () => {
  const dir = tempDir();
  const store = await ConversationStore.open(dir, { durability: 'committed', conversationCacheBytes: 1, sequenceCacheBytes: 1 });
  const a = await store.createConversation({ siteId: 's', visitorId: 'a', now: 1 });
  const b = await store.createConversation({ siteId: 's', visitorId: 'b', now: 1 });
  for (let cseq = 1; cseq <= 3; cseq += 1) {
    for (const conversation of [a, b]) {
      const ack = await store.appendVisitorMessage(conversation.id, { cmid: `c${cseq}`, cseq, epoch: 'e', text: 't', clientTime: 1, now: 2 });
      assert.equal(ack.seq, cseq);
    }
  }
  assert.deepEqual(await store.appendVisitorMessage(a.id, { cmid: 'c9', cseq: 9, epoch: 'e', text: 't', clientTime: 1, now: 2 }), { expectedCseq: 4 });
  assert.equal((await store.appendVisitorMessage(a.id, { cmid: 'c2', cseq: 2, epoch: 'e', text: 't', clientTime: 1, now: 2 })).duplicate, true);
  assert.equal((await store.getConversation(b.id)).lastSeq, 3);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// Issue 21, finding 6: an append writes the message, not the whole conversation again.
test('a message append does not rewrite the conversation record: large pre-chat fields are written once', async () => {
  const dir = tempDir();
  const store = await ConversationStore.open(dir, { durability: 'committed' });
  const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
  const prechat = { name: '访客', note: '备注'.repeat(30_000) }; // ~180 KB as UTF-8
  await store.updateConversation(conversation.id, { prechat });
  const logBytes = () => readdirSync(dir).filter((name) => name.endsWith('.log')).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  const before = logBytes();
  // 10 appends stay within LevelDB's 4 MB write buffer even when each rewrites the
  // record, so the log holds every byte they wrote.
  for (let i = 1; i <= 10; i += 1) await store.appendVisitorMessage(conversation.id, { cmid: `c${i}`, text: '你好', clientTime: i, now: i });
  const written = logBytes() - before;
  assert.ok(written < 16 * 1024, `10 short messages wrote ${written} bytes`);
  const stored = await store.getConversation(conversation.id);
  assert.equal(stored.lastSeq, 10);
  assert.equal(stored.prechat.note.length, prechat.note.length);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the conversation cache is bounded in bytes, not entries', async () => {
  const dir = tempDir();
  const limit = 1024 * 1024;
  const store = await ConversationStore.open(dir, { durability: 'committed', conversationCacheBytes: limit });
  const collectGarbage = () => {
    setFlagsFromString('--expose-gc');
    runInNewContext('gc')();
  };
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const ids = [];
  for (let i = 0; i < 200; i += 1) {
    const { id } = await store.createConversation({ siteId: 's', visitorId: `v${i}`, now: i });
    // A fresh string each time (a repeated literal would be shared, not held 200 times).
    await store.updateConversation(id, { prechat: { note: `${i}:${'x'.repeat(60_000)}` } });
    ids.push(id);
  }
  collectGarbage();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  // 200 records of 60 KB are 12 MB: a cache bounded by bytes keeps about 1 MB of them.
  assert.ok(heapGrowth < 6 * limit, `the heap grew ${heapGrowth} bytes`);
  const cached = store.cachedBytes.conversations;
  assert.ok(cached <= limit && cached > limit / 2, `${cached} bytes of conversations cached`);
  for (const id of ids.slice(0, 5)) assert.ok((await store.getConversation(id)).prechat.note.endsWith('x'.repeat(60_000)), 'a forgotten record is read back');
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
