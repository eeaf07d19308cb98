#!/usr/bin/env node
// npm run bench:fanout -- [--subscribers S] [--rate R] [--seconds T] [--burst N]
//
// The fan-out bus candidates side by side (docs/deploy.md says which Kefu uses and why):
// Redis pub/sub (ioredis, as server/fanout/redis-fanout.js) and PostgreSQL LISTEN/NOTIFY
// (pg), each on a throw-away server started here on loopback. S subscribers listen on
// one channel; one publisher sends a console-sized frame (~300 bytes of JSON) R times a
// second for T seconds: latency is publish → received, over every subscriber. Then N
// frames at once: throughput is N over the time until every subscriber has all of them.
// Prints one JSON line per bus.
import Redis from 'ioredis';
import pg from 'pg';
import { PostgresServer } from '../../tests/server/helpers/postgres-server.js';
import { RedisServer } from '../../tests/server/helpers/redis-server.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const subscriberCount = option('subscribers', 3);
const rate = option('rate', 200);
const seconds = option('seconds', 10);
const burst = option('burst', 20_000);
const CHANNEL = 'kefu_fanout';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const frame = (n) => JSON.stringify({ to: 'agents', origin: 'bench', frame: { type: 'msg', conversationId: '3c87bb1e-9e1e-4a69-87a7-5931676e1884', message: { seq: n, serverId: `3c87bb1e-9e1e-4a69-87a7-5931676e1884:${n}`, author: 'visitor', cmid: `c-bench-${n}`, text: '请问我的订单什么时候发货？已经三天了。', time: Date.now() } }, n, at: performance.now() });

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// bus: {publish(text): Promise, subscribe(onText): Promise, close(): Promise}
async function measure(name, bus) {
  const latencies = [];
  let received = 0;
  let phase = 'rate';
  for (let s = 0; s < subscriberCount; s += 1) {
    await bus.subscribe((text) => {
      const message = JSON.parse(text);
      received += 1;
      if (phase === 'rate') latencies.push(performance.now() - message.at);
    });
  }
  const total = rate * seconds;
  const started = performance.now();
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    bus.publish(frame(n));
  }
  while (received < total * subscriberCount && performance.now() - started < (seconds + 10) * 1000) await sleep(5);
  const steady = [...latencies].sort((a, b) => a - b);
  const steadyReceived = received;

  phase = 'burst';
  received = 0;
  const burstStarted = performance.now();
  for (let n = 0; n < burst; n += 1) bus.publish(frame(n));
  while (received < burst * subscriberCount && performance.now() - burstStarted < 60_000) await sleep(5);
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  await bus.close();
  console.log(JSON.stringify({
    bus: name, subscribers: subscriberCount, rate, sent: total, delivered: steadyReceived, expected: total * subscriberCount,
    p50ms: Number(percentile(steady, 50).toFixed(2)), p99ms: Number(percentile(steady, 99).toFixed(2)), maxMs: Number(steady.at(-1).toFixed(2)),
    burst, burstDelivered: received, burstPerSec: Math.round(burst / burstSeconds),
  }));
}

const redis = await RedisServer.start();
if (redis instanceof Error) throw redis;
const clients = [];
const publisher = new Redis(redis.url);
await measure('redis pub/sub', {
  publish: (text) => publisher.publish(CHANNEL, text),
  async subscribe(onText) {
    const subscriber = new Redis(redis.url);
    clients.push(subscriber);
    subscriber.on('messageBuffer', (_channel, data) => onText(data.toString('utf8')));
    await subscriber.subscribe(CHANNEL);
  },
  async close() {
    for (const client of [publisher, ...clients]) client.disconnect();
  },
});
await redis.stop();

const postgres = await PostgresServer.start();
if (postgres instanceof Error) throw postgres;
const pool = new pg.Pool({ connectionString: postgres.url(), max: 10 });
pool.on('error', () => {}); // the server's goodbye to idle clients at stop
const listeners = [];
await measure('postgres LISTEN/NOTIFY', {
  publish: (text) => pool.query('SELECT pg_notify($1, $2)', [CHANNEL, text]),
  async subscribe(onText) {
    const client = new pg.Client({ connectionString: postgres.url() });
    await client.connect();
    listeners.push(client);
    client.on('notification', (notification) => onText(notification.payload));
    await client.query(`LISTEN ${CHANNEL}`);
  },
  async close() {
    await pool.end();
    for (const client of listeners) await client.end();
  },
});
await postgres.stop();
