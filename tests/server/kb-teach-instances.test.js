// A KB published from the console on one instance is served by the others (one
// PostgreSQL, one Redis, both started by this file on loopback): the publishing instance
// says so on the fan-out bus and the others publish the same stored version
// (server/kb/kb-library.js). Skipped, saying why, when PostgreSQL or Redis cannot start.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresServer } from './helpers/postgres-server.js';
import { RedisServer } from './helpers/redis-server.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer } from './helpers/running-server.js';
import { consoleApi, createAccount, logIn } from './helpers/console-session.js';

const [postgres, redis] = await Promise.all([PostgresServer.start(), RedisServer.start()]);
after(async () => {
  if (!(postgres instanceof Error)) await postgres.stop();
  if (!(redis instanceof Error)) await redis.stop();
});
const skip = postgres instanceof Error ? `no PostgreSQL server: ${postgres.message}` : redis instanceof Error ? `no Redis server: ${redis.message}` : false;
const MARS = { id: 'mars', question: '火星快递多久到', answer: '火星快递需要七个月。' };
// How long the other instance may take: a message on the bus, then one build.
const FOLLOW_MS = 30_000;

async function welcomeOf(server) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, { epoch: 'e' });
  await client.close();
  return welcome;
}

test('a version published on one instance is served by another at its next conversation', { skip }, async () => {
  const config = { store: { kind: 'postgres', url: await postgres.createDatabase() }, fanout: { kind: 'redis', url: redis.url } };
  const one = await startTestServer({ config });
  const two = await startTestServer({ config });
  try {
    const before = (await welcomeOf(two)).kbVersion;
    const admin = await createAccount(one, { role: 'admin' });
    const cookie = await logIn(one, admin.username);
    assert.equal((await consoleApi(one, 'kb/demo/faqs', { body: { faq: MARS }, cookie })).status, 200);
    const published = await (await consoleApi(one, 'kb/demo/publish', { body: {}, cookie })).json();
    assert.notEqual(published.version.version, before);

    const deadline = Date.now() + FOLLOW_MS;
    while ((await welcomeOf(two)).kbVersion !== published.version.version) {
      assert.ok(Date.now() < deadline, 'the other instance never served the published version');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const served = await (await fetch(`${two.httpUrl}/kb/demo.json`)).json();
    assert.deepEqual(served.faqs.at(-1), MARS);
  } finally {
    for (const server of [one, two]) {
      await server.close();
      server.removeData();
    }
  }
});
