// The server as a scaled-out deployment runs it: `store: {kind: "postgres"}` on a real
// PostgreSQL this file starts. A visitor's messages acknowledged by one server instance
// are resumed, deduplicated and resynced by another instance on the same database.
// Skipped, saying why, when PostgreSQL cannot start here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresServer } from './helpers/postgres-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer } from './helpers/running-server.js';

const postgres = await PostgresServer.start();
after(() => (postgres instanceof Error ? undefined : postgres.stop()));
const skip = postgres instanceof Error ? `no PostgreSQL server: ${postgres.message}` : false;

const message = (cseq) => ({ type: 'message', cmid: `c-pg-${cseq}`, cseq, text: `message ${cseq}`, clientTime: 1764000000000 + cseq });
const visitor = (server) => SocketClient.open(server.wsUrl, { origin: server.origin });

test('a conversation acknowledged by one instance on PostgreSQL resumes on another: same cseq, cmid dedup, each message once in order', { skip }, async () => {
  const store = { kind: 'postgres', url: await postgres.createDatabase() };
  const first = await startTestServer({ config: { store } });
  let welcome;
  let original;
  try {
    const client = await visitor(first);
    welcome = await helloVisitor(client, { epoch: 'e' });
    original = await client.request(message(1), 'ack');
    await client.request(message(2), 'ack');
    await client.close();
  } finally {
    await first.close();
    first.removeData();
  }

  const second = await startTestServer({ config: { store } });
  try {
    const client = await visitor(second);
    const resumed = await helloVisitor(client, { epoch: 'e', sessionToken: welcome.sessionToken, lastSeq: 2 });
    assert.equal(resumed.conversationId, welcome.conversationId);
    assert.equal(resumed.nextCseq, 3, 'the expected cseq is in the database, not the instance');
    assert.deepEqual(await client.request(message(1), 'ack'), original, 'a resent cmid gets its original ack');
    assert.equal((await client.request(message(3), 'ack')).seq, 3);
    const page = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.deepEqual(page.messages.map((m) => m.cmid), ['c-pg-1', 'c-pg-2', 'c-pg-3']);
    await client.close();
  } finally {
    await second.close();
    second.removeData();
  }
});
