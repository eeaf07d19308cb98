#!/usr/bin/env node
// npm run bench:load -- --visitors N --messages M [--durability flushed|committed]
//                        [--interval-ms I] [--timeout-s S]
//
// Starts the reference server as a child process on loopback, then N simulated
// visitors, each the real wasm core (ChatSession) with its effects carried out over a
// real WebSocket, send M messages each: all at once (the default, a worst-case burst:
// ack times then measure the queue), or one every I ms from a random start (a steady
// load: ack times then measure the service). When every
// message is acked (or the timeout passes) the server is stopped and its store is read
// back: every sent cmid must be stored exactly once, in cseq order. Prints one JSON
// object on stdout; details on stderr.
import { spawnServerProcess } from '../../server/server-process.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKefuCore, ChatSession } from '../../web/core/index.js';
import { ConversationStore } from '../../server/store/conversation-store.js';
import { SimulatedVisitor } from './simulated-visitor.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const visitorCount = Number(option('visitors', 100));
const messagesEach = Number(option('messages', 20));
const durability = option('durability', 'flushed');
const timeoutMs = Number(option('timeout-s', 300)) * 1000;
const intervalMs = Number(option('interval-ms', 0));
const connectBatch = 100; // sockets opened per tick, so the accept queue is not flooded

const dataDir = mkdtempSync(join(tmpdir(), 'kefu-load-'));
const configPath = join(dataDir, 'bench-config.json');
writeFileSync(configPath, JSON.stringify({
  port: 0,
  dataDir: join(dataDir, 'db'),
  durability,
  logLevel: 'warn',
  // Every simulated visitor shares 127.0.0.1 and sends a burst: limits sized to let the
  // load through (they are what is being bypassed, not measured).
  limits: { visitorBurst: messagesEach + 10, ipBurst: visitorCount * messagesEach * 2, ipPerMinute: 1e9, helloBurst: visitorCount * 4, helloPerMinute: 1e9 },
}));

// The server's logs go to our stderr: stdout carries only the result line.
// KEFU_LOAD_SERVER_FLAGS passes Node flags to the server (e.g. --cpu-prof to profile it).
const nodeFlags = (process.env.KEFU_LOAD_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
const { child: server, ready } = spawnServerProcess(configPath, { nodeFlags, stdout: 2 });
const httpUrl = await ready;
const wsUrl = `${httpUrl.replace('http', 'ws')}/ws`;

const core = await loadKefuCore();
const visitors = [];
let welcomed = 0;
let sendStarted = 0;
const allWelcomed = new Promise((resolve) => {
  for (let i = 0; i < visitorCount; i += 1) {
    const session = new ChatSession(core, { config: { siteId: 'demo', locale: 'zh-CN' } });
    visitors.push(new SimulatedVisitor(session, {
      url: wsUrl,
      origin: httpUrl,
      onWelcome: (visitor) => {
        if (visitor.welcomedOnce) return;
        visitor.welcomedOnce = true;
        welcomed += 1;
        if (welcomed === visitorCount) resolve();
      },
    }));
  }
});
for (let i = 0; i < visitorCount; i += connectBatch) {
  visitors.slice(i, i + connectBatch).forEach((visitor, k) => visitor.start(i + k + 1));
  await new Promise((resolve) => setImmediate(resolve));
}
await allWelcomed;

// N conversations append in parallel.
sendStarted = Date.now();
for (const [v, visitor] of visitors.entries()) {
  if (intervalMs === 0) {
    for (let m = 1; m <= messagesEach; m += 1) visitor.sendText(`load test message ${m} from visitor ${v}`);
    continue;
  }
  const offset = Math.random() * intervalMs;
  for (let m = 1; m <= messagesEach; m += 1) setTimeout(() => visitor.sendText(`load test message ${m} from visitor ${v}`), offset + (m - 1) * intervalMs);
}
const expected = visitorCount * messagesEach;
const ackedCount = () => visitors.reduce((sum, visitor) => sum + visitor.ackedAt.size, 0);
while (ackedCount() < expected && Date.now() - sendStarted < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
const lastAckAt = Math.max(...visitors.flatMap((visitor) => [...visitor.ackedAt.values()]));
const seconds = (lastAckAt - sendStarted) / 1000;
for (const visitor of visitors) visitor.stop();

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));

// Read back what the server committed.
const store = await ConversationStore.open(join(dataDir, 'db'), { durability: 'committed' });
let stored = 0;
let lost = 0;
let duplicated = 0;
let outOfOrder = 0;
for (const visitor of visitors) {
  const messages = (await store.messagesAfter(visitor.conversationId, 0, 1_000_000)).filter((message) => message.author === 'visitor');
  stored += messages.length;
  const counts = new Map();
  for (const message of messages) counts.set(message.cmid, (counts.get(message.cmid) ?? 0) + 1);
  for (const cmid of visitor.sentAt.keys()) if (!counts.has(cmid)) lost += 1;
  for (const count of counts.values()) duplicated += count - 1;
  messages.forEach((message, i) => {
    if (i > 0 && message.cseq <= messages[i - 1].cseq) outOfOrder += 1;
  });
}
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const latencies = visitors.flatMap((visitor) => [...visitor.ackedAt].map(([cmid, at]) => at - visitor.sentAt.get(cmid))).sort((a, b) => a - b);
const percentile = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : null);
const sent = visitors.reduce((sum, visitor) => sum + visitor.sentAt.size, 0);
const coreErrors = visitors.reduce((sum, visitor) => sum + visitor.errors, 0);
process.stderr.write(`${intervalMs ? `one message per visitor every ${intervalMs} ms` : 'all messages at once'}; durability ${durability}; ${ackedCount()} of ${sent} acked in ${seconds.toFixed(2)} s; out of order ${outOfOrder}; frames the core rejected ${coreErrors}\n`);
console.log(JSON.stringify({
  visitors: visitorCount, sent, stored, lost, duplicated,
  msgsPerSec: Math.round(ackedCount() / seconds), ackP50ms: percentile(50), ackP99ms: percentile(99), durability,
}));
process.exitCode = lost || duplicated || outOfOrder || ackedCount() < sent ? 1 : 0;
