#!/usr/bin/env node
// npm run bench:load -- --visitors N --messages M [--durability flushed|committed]
//                        [--interval-ms I] [--timeout-s S]
//                        [--instances K --store leveldb|postgres [--agents A]
//                         [--kill-one] [--restart postgres|redis]]
//
// Starts K reference servers as child processes on loopback (K > 1 needs --store
// postgres: they share one PostgreSQL and one Redis, both started here on throw-away
// folders, as the tests do), then A simulated agent consoles and N simulated visitors,
// each visitor the real wasm core (ChatSession) with its effects carried out over a real
// WebSocket; visitors and agents are spread over the instances in turn. Every visitor
// asks for a person and is accepted by an agent on another instance (with K > 1), then
// sends M messages: all at once (the default, a worst-case burst: ack times then measure
// the queue), or one every I ms from a random start (a steady load: ack times then
// measure the service). --kill-one sends SIGKILL to the last instance once half the
// messages are acknowledged; its visitors and agents reconnect to the survivors.
// --restart postgres|redis restarts that server at the same point instead (the fault
// tests run these three).
//
// When every message is acked and seen by its agent (or the timeout passes) the servers
// stop and the store is read back: every sent cmid must be stored exactly once, in cseq
// order. Prints one JSON object on stdout; details on stderr. `crossInstance*` is visitor
// send → agent console receive (the agent on another instance when K > 1).
import { spawnServerProcess } from '../../server/server-process.js';
import { SETUP_LINE } from '../../server/command-line.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKefuCore, ChatSession } from '../../web/core/index.js';
import { ConversationStore } from '../../server/store/conversation-store.js';
import { PostgresStore } from '../../server/store/postgres-store.js';
import { PostgresServer } from '../../tests/server/helpers/postgres-server.js';
import { RedisServer } from '../../tests/server/helpers/redis-server.js';
import { SimulatedVisitor } from './simulated-visitor.js';
import { SimulatedAgent } from './simulated-agent.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const visitorCount = Number(option('visitors', 100));
const messagesEach = Number(option('messages', 20));
const durability = option('durability', 'flushed');
const timeoutMs = Number(option('timeout-s', 300)) * 1000;
const intervalMs = Number(option('interval-ms', 0));
const instanceCount = Number(option('instances', 1));
const storeKind = option('store', 'leveldb');
const killOne = process.argv.includes('--kill-one');
const restart = option('restart', null);
// An account holds at most 100 conversations at once (its limit's ceiling): enough agents
// on every instance for the visitors handed to that instance's agents (a third each with
// three instances), at least two per instance.
const MAX_CHATS = 100;
const agentCount = Number(option('agents', instanceCount * Math.max(2, Math.ceil(Math.ceil(visitorCount / instanceCount) / MAX_CHATS))));
const connectBatch = 100; // sockets opened per tick, so the accept queue is not flooded
const handoffsAtOnce = 20; // visitors waiting for an agent at a time (the queue stays short)
const AGENT_PASSWORD = 'bench agent password';

if (instanceCount > 1 && storeKind !== 'postgres') throw new Error('--instances > 1 needs --store postgres (a LevelDB folder belongs to one process)');
if (Math.floor(agentCount / instanceCount) * MAX_CHATS < Math.ceil(visitorCount / instanceCount)) throw new Error(`--agents ${agentCount} cannot hold ${visitorCount} visitors (at most ${MAX_CHATS} each, spread over ${instanceCount} instance(s))`);
if (killOne && instanceCount < 2) throw new Error('--kill-one needs --instances 2 or more (someone must survive)');
if (restart !== null && !['postgres', 'redis'].includes(restart)) throw new Error('--restart takes postgres or redis');
if ((restart === 'postgres' && storeKind !== 'postgres') || (restart === 'redis' && instanceCount < 2)) throw new Error(`--restart ${restart} needs a ${restart === 'postgres' ? '--store postgres' : 'Redis: --instances 2 or more'}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text) => process.stderr.write(`${text}\n`);
// A phase that cannot finish (a limit refusing the load, a server gone) ends the run with its name.
const within = (promise, what) => {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

const workDir = mkdtempSync(join(tmpdir(), 'kefu-load-'));
const postgres = storeKind === 'postgres' ? await PostgresServer.start() : null;
if (postgres instanceof Error) throw postgres;
const redis = instanceCount > 1 ? await RedisServer.start() : null;
if (redis instanceof Error) throw redis;
const store = postgres ? { kind: 'postgres', url: await postgres.createDatabase() } : { kind: 'leveldb' };

// The server's logs go to our stderr: stdout carries only the result line.
// KEFU_LOAD_SERVER_FLAGS passes Node flags to the servers (e.g. --cpu-prof to profile).
const nodeFlags = (process.env.KEFU_LOAD_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
const servers = [];
for (let i = 0; i < instanceCount; i += 1) {
  const configPath = join(workDir, `config-${i}.json`);
  writeFileSync(configPath, JSON.stringify({
    port: 0,
    dataDir: join(workDir, `db-${i}`),
    durability,
    store,
    ...(redis ? { fanout: { kind: 'redis', url: redis.url } } : {}),
    logLevel: 'warn',
    sites: { demo: { allowedOrigins: ['*'], businessHours: null, offlineWhenNoAgent: false } },
    // Every simulated visitor shares 127.0.0.1 and sends a burst: limits sized to let the
    // load through (they are what is being bypassed, not measured).
    limits: {
      visitorBurst: messagesEach + 10, ipBurst: visitorCount * messagesEach * 2, ipPerMinute: 1e9, helloBurst: visitorCount * 4, helloPerMinute: 1e9,
      maxConnectionsPerIp: visitorCount + agentCount + 16,
    },
  }));
  const { child, ready, output } = spawnServerProcess(configPath, { nodeFlags, stdout: 2 });
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));
  child.once('exit', (code, signal) => log(`instance ${i + 1} exited (${code ?? signal})`));
  servers.push({ child, httpUrl: await ready, output });
}
const wsUrls = servers.map((server) => `${server.httpUrl.replace('http', 'ws')}/ws`);
const agentUrls = servers.map((server) => `${server.httpUrl.replace('http', 'ws')}/agent`);

// The agents log in as consoles do: the first admin through the setup link the first
// instance printed, an account per agent made by that admin, a session cookie each
// (sessions are in the store, so a cookie from one instance opens a console on any).
async function consoleApi(path, body, cookie) {
  const response = await fetch(`${servers[0].httpUrl}/console/api/${path}`, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', origin: servers[0].httpUrl, ...(cookie ? { cookie } : {}) },
  });
  if (!response.ok) throw new Error(`console ${path} refused: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')?.split(';')[0] ?? null;
}
const setupToken = SETUP_LINE.exec(servers[0].output())?.[2];
const adminCookie = await consoleApi('setup', { setupToken, username: 'admin', displayName: 'Admin', password: AGENT_PASSWORD });
const agentCookies = [];
for (let a = 0; a < agentCount; a += 1) {
  await consoleApi('accounts', { username: `agent-${a}`, displayName: `agent-${a}`, password: AGENT_PASSWORD, maxChats: MAX_CHATS }, adminCookie);
  agentCookies.push(await consoleApi('login', { username: `agent-${a}`, password: AGENT_PASSWORD }));
}
const agents = agentCookies.map((cookie, a) => new SimulatedAgent({ urls: agentUrls, home: a % instanceCount, cookie, name: `agent-${a}` }));
await Promise.all(agents.map((agent) => agent.start()));

const core = await loadKefuCore();
const visitors = [];
let welcomed = 0;
const allWelcomed = new Promise((resolve) => {
  for (let i = 0; i < visitorCount; i += 1) {
    const session = new ChatSession(core, { config: { siteId: 'demo', locale: 'zh-CN' } });
    visitors.push(new SimulatedVisitor(session, {
      urls: wsUrls,
      home: i % instanceCount,
      origin: servers[0].httpUrl,
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
await within(allWelcomed, 'welcoming every visitor');

// Each visitor is handed to an agent whose console is on the next instance (another
// instance whenever there are two or more); agents of one instance take turns.
const agentFor = (v) => {
  const instance = (v + 1) % instanceCount;
  const onInstance = agents.filter((_, a) => a % instanceCount === instance);
  return onInstance[Math.floor(v / instanceCount) % onInstance.length];
};
const assignedAgent = new Map(); // visitor -> agent
const handOff = async (v) => {
  const visitor = visitors[v];
  const queued = new Promise((resolve) => {
    if (visitor.queued) resolve();
    else visitor.onQueued = resolve;
  });
  visitor.requestHandoff();
  await queued;
  const agent = agentFor(v);
  const result = await agent.accept(visitor.conversationId);
  if (!result.ok) throw new Error(`agent ${agent.name} could not accept visitor ${v}: ${result.error}`);
  assignedAgent.set(visitor, agent);
};
const handOffAll = async () => {
  for (let v = 0; v < visitorCount; v += handoffsAtOnce) await Promise.all(visitors.slice(v, v + handoffsAtOnce).map((_, k) => handOff(v + k)));
};
await within(handOffAll(), 'handing every visitor to an agent');
log(`${visitorCount} visitors on ${instanceCount} instance(s), each accepted by one of ${agentCount} agents`);

// CPU time (user + system, ms) of a process and, with `children`, of its direct children
// (PostgreSQL's backends): what a message costs, whatever share of the cores it got.
const TICK_MS = 10; // Linux reports in clock ticks of 1/100 s
const statOf = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return { ppid: null, cpuMs: null }; // gone: a killed instance is left out of the sum
  }
};
const cpuMs = (pid, { children = false } = {}) => {
  let total = statOf(pid).cpuMs;
  if (total === null) return null;
  if (children) for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) if (statOf(entry).ppid === pid) total += statOf(entry).cpuMs ?? 0;
  return total;
};
const cpuNow = () => ({
  servers: servers.map((server) => cpuMs(server.child.pid)),
  postgres: postgres ? cpuMs(postgres.pid, { children: true }) : 0,
  redis: redis ? cpuMs(redis.pid) : 0,
});
const cpuSpent = (before, after) => ({
  servers: after.servers.reduce((sum, ms, i) => (ms === null ? sum : sum + ms - before.servers[i]), 0),
  postgres: after.postgres - before.postgres,
  redis: after.redis - before.redis,
});

// N conversations append in parallel.
const cpuBefore = cpuNow();
const sendStarted = Date.now();
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
const seenCount = () => visitors.reduce((sum, visitor) => sum + [...visitor.ackedAt.keys()].filter((cmid) => assignedAgent.get(visitor).receivedAt.has(cmid)).length, 0);
let killedAt = null;
let restarted = null; // the restart under way, then done
while ((ackedCount() < expected || seenCount() < expected) && Date.now() - sendStarted < timeoutMs) {
  if (killOne && killedAt === null && ackedCount() >= expected / 2) {
    servers.at(-1).child.kill('SIGKILL');
    killedAt = Date.now();
    log(`SIGKILL to instance ${instanceCount} after ${ackedCount()} acks`);
  }
  if (restart && restarted === null && ackedCount() >= expected / 2) {
    const started = Date.now();
    log(`restarting ${restart} after ${ackedCount()} acks`);
    restarted = (restart === 'postgres' ? postgres : redis).restart().then(() => log(`${restart} back after ${Date.now() - started} ms`));
  }
  await sleep(20);
}
await restarted;
const cpuAfter = cpuNow();
const lastAckAt = Math.max(...visitors.flatMap((visitor) => [...visitor.ackedAt.values()]));
const seconds = (lastAckAt - sendStarted) / 1000;
for (const visitor of visitors) visitor.stop();
for (const agent of agents) agent.stop();

for (const server of servers) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) continue;
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await gone;
}

// Read back what the servers committed.
const reader = postgres ? await PostgresStore.open(store.url) : await ConversationStore.open(join(workDir, 'db-0'), { durability: 'committed' });
let stored = 0;
let lost = 0;
let duplicated = 0;
let reordered = 0;
for (const visitor of visitors) {
  const messages = (await reader.messagesAfter(visitor.conversationId, 0, 1_000_000)).filter((message) => message.author === 'visitor');
  stored += messages.length;
  const counts = new Map();
  for (const message of messages) counts.set(message.cmid, (counts.get(message.cmid) ?? 0) + 1);
  for (const cmid of visitor.sentAt.keys()) if (!counts.has(cmid)) lost += 1;
  for (const count of counts.values()) duplicated += count - 1;
  messages.forEach((message, i) => {
    if (i > 0 && message.cseq <= messages[i - 1].cseq) reordered += 1;
  });
}
await reader.close();
await postgres?.stop();
await redis?.stop();
rmSync(workDir, { recursive: true, force: true });

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
};
const ackLatencies = visitors.flatMap((visitor) => [...visitor.ackedAt].map(([cmid, at]) => at - visitor.sentAt.get(cmid)));
const deliveryLatencies = visitors.flatMap((visitor) => [...visitor.sentAt].filter(([cmid]) => assignedAgent.get(visitor).receivedAt.has(cmid)).map(([cmid, at]) => assignedAgent.get(visitor).receivedAt.get(cmid) - at));
const sent = visitors.reduce((sum, visitor) => sum + visitor.sentAt.size, 0);
const coreErrors = visitors.reduce((sum, visitor) => sum + visitor.errors, 0);
const unseen = ackedCount() - seenCount();
log(`${intervalMs ? `one message per visitor every ${intervalMs} ms` : 'all messages at once'}; ${ackedCount()} of ${sent} acked in ${seconds.toFixed(2)} s; not seen by their agent ${unseen}; agent reconnects ${agents.reduce((sum, agent) => sum + agent.reconnects, 0)}; frames the core rejected ${coreErrors}`);
console.log(JSON.stringify({
  instances: instanceCount, store: storeKind, killed: killedAt !== null, restarted: restart, visitors: visitorCount, agents: agentCount, sent, stored, lost, duplicated, reordered, unseen,
  msgsPerSec: Math.round(ackedCount() / seconds), ackP50ms: percentile(ackLatencies, 50), ackP99ms: percentile(ackLatencies, 99),
  crossInstanceP50ms: percentile(deliveryLatencies, 50), crossInstanceP99ms: percentile(deliveryLatencies, 99), durability,
  // CPU per acknowledged message during the sending phase, servers summed.
  cpuMsPerMessage: Object.fromEntries(Object.entries(cpuSpent(cpuBefore, cpuAfter)).map(([name, ms]) => [name, Number((ms / Math.max(1, ackedCount())).toFixed(2))])),
}));
process.exitCode = lost || duplicated || reordered || unseen || ackedCount() < sent ? 1 : 0;
