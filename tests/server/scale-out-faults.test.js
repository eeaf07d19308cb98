// Faults in a three-instance deployment, through bench:load (bench/load/run.mjs) with the
// real core as visitors and reconnecting agent consoles: when half the messages are
// acknowledged, one instance gets SIGKILL, or PostgreSQL restarts, or Redis restarts.
// Visitors and agents reconnect (to the survivors); every acknowledged message must be
// stored once, in order, and reach its agent, read back from the database. Skipped,
// saying why, when PostgreSQL or Redis cannot start here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PostgresServer } from './helpers/postgres-server.js';
import { RedisServer } from './helpers/redis-server.js';

const RUN = fileURLToPath(new URL('../../bench/load/run.mjs', import.meta.url));

// The bench starts its own servers; this only finds out whether it can.
async function unavailable() {
  const [postgres, redis] = await Promise.all([PostgresServer.start(), RedisServer.start()]);
  if (!(postgres instanceof Error)) await postgres.stop();
  if (!(redis instanceof Error)) await redis.stop();
  if (postgres instanceof Error) return `no PostgreSQL server: ${postgres.message}`;
  if (redis instanceof Error) return `no Redis server: ${redis.message}`;
  return false;
}
const skip = await unavailable();

async function runWithFault(fault) {
  const args = [RUN, '--instances', '3', '--store', 'postgres', '--visitors', '6', '--messages', '6', '--interval-ms', '100', '--durability', 'committed', '--timeout-s', '40', ...fault];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 90_000 }).catch((error) => error);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

const intact = (result) => ({ sent: result.sent, stored: result.stored, lost: result.lost, duplicated: result.duplicated, reordered: result.reordered, unseen: result.unseen });
const everything = { sent: 36, stored: 36, lost: 0, duplicated: 0, reordered: 0, unseen: 0 };

test('kill -9 of one of three instances mid-load: every acked message stored once, in order, seen by its agent', { skip }, async () => {
  const result = await runWithFault(['--kill-one']);
  assert.equal(result.killed, true);
  assert.deepEqual(intact(result), everything);
});

test('a PostgreSQL restart mid-load: acks wait for the database instead of failing; nothing lost, doubled or unseen', { skip }, async () => {
  const result = await runWithFault(['--restart', 'postgres']);
  assert.equal(result.restarted, 'postgres');
  assert.deepEqual(intact(result), everything);
});

test('a Redis restart mid-load: instances that missed live frames have their clients catch up from the store', { skip }, async () => {
  const result = await runWithFault(['--restart', 'redis']);
  assert.equal(result.restarted, 'redis');
  assert.deepEqual(intact(result), everything);
});
