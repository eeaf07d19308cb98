// A damaged store on disk (issue 21, finding 5): the server refuses to start on it with
// one line naming the problem and the fix, or repairs it where LevelDB's repair loses
// nothing, and never starts empty over it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer, tempDataDir } from './helpers/running-server.js';

const MAIN = fileURLToPath(new URL('../../server/main.js', import.meta.url));

// A store with `count` conversations of three messages each, written through the
// server; then the server is stopped. Returns their session tokens.
async function storeWithConversations(dataDir, count) {
  const server = await startTestServer({ dataDir });
  const tokens = [];
  for (let i = 0; i < count; i += 1) {
    const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
    const welcome = await helloVisitor(client, { epoch: 'e' });
    for (let cseq = 1; cseq <= 3; cseq += 1) await client.request({ type: 'message', cmid: `c-${cseq}`, cseq, text: `第${i}个会话的第${cseq}条消息 ${'内容'.repeat(40)}`, clientTime: cseq }, 'ack');
    tokens.push(welcome.sessionToken);
    await client.close();
  }
  await server.close();
  return tokens;
}

// Starting the server again: every conversation resumes with its messages.
async function assertAllResume(dataDir, tokens) {
  const server = await startTestServer({ dataDir });
  try {
    for (const sessionToken of tokens) {
      const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
      const welcome = await helloVisitor(client, { epoch: 'e2', sessionToken });
      assert.equal(welcome.lastSeq, 3, 'the conversation comes back with its three messages');
      await client.close();
    }
  } finally {
    await server.close();
  }
}

const files = (dataDir, pattern) => readdirSync(dataDir).filter((name) => pattern.test(name)).map((name) => join(dataDir, name));

// A restart moves the last run's log into a table file (LevelDB does that at open).
async function restartOnce(dataDir) {
  const server = await startTestServer({ dataDir });
  await server.close();
}

test('CURRENT deleted: the store is rebuilt by LevelDB repair (logged) and nothing is lost', async () => {
  const dataDir = tempDataDir();
  try {
    const tokens = await storeWithConversations(dataDir, 12);
    await restartOnce(dataDir);
    rmSync(join(dataDir, 'CURRENT'));
    await assertAllResume(dataDir, tokens);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a half-truncated log: the server refuses to start, and says what is wrong and what to do in one line', async () => {
  const dataDir = tempDataDir();
  try {
    await storeWithConversations(dataDir, 12);
    const [log] = files(dataDir, /^\d+\.log$/).sort((a, b) => statSync(b).size - statSync(a).size);
    truncateSync(log, Math.floor(statSync(log).size / 2));
    const config = join(dataDir, '..', `${dataDir.split('/').at(-1)}.json`);
    writeFileSync(config, JSON.stringify({ port: 0, dataDir, durability: 'committed' }));
    const run = spawnSync(process.execPath, [MAIN, '--config', config], { encoding: 'utf8', timeout: 30_000 });
    rmSync(config);
    assert.equal(run.status, 1);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /store at .* is damaged: it holds \d+ of the \d+ write batches committed to it .*Restore the folder from a backup \(or delete KEFU-COMMITS.json there to serve what is left\)/);
    // The operator who accepts the loss deletes the file the message names.
    rmSync(join(dataDir, 'KEFU-COMMITS.json'));
    const server = await startTestServer({ dataDir });
    await server.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a flipped block in a table file: the server refuses to start instead of failing resyncs later', async () => {
  const dataDir = tempDataDir();
  try {
    await storeWithConversations(dataDir, 12);
    await restartOnce(dataDir);
    const [table] = files(dataDir, /^\d+\.ldb$/).sort((a, b) => statSync(b).size - statSync(a).size);
    const bytes = readFileSync(table);
    for (let i = 64; i < 1088 && i < bytes.length / 2; i += 1) bytes[i] ^= 0xff; // a kilobyte of the first data block
    writeFileSync(table, bytes);
    await assert.rejects(startTestServer({ dataDir }), (error) => error.code === 'store_damaged' && /reading it back failed/.test(error.message));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('every LevelDB file gone: the server does not start empty over the lost store', async () => {
  const dataDir = tempDataDir();
  try {
    await storeWithConversations(dataDir, 2);
    for (const file of files(dataDir, /^(\d+\.(log|ldb)|MANIFEST-\d+|CURRENT)$/)) rmSync(file);
    await assert.rejects(startTestServer({ dataDir }), (error) => error.code === 'store_damaged' && /holds 0 of the \d+ write batches/.test(error.message));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
