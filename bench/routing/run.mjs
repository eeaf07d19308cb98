// npm run bench:routing [-- --visitors N --agents M --limit L --churn C]
// Routing under load, in this process: M agents of the site's team (default 50, each
// with a limit of L conversations, default 25) log in and set themselves away; N visitors
// (default 1,000) hand off, so all of them queue; then every agent goes online at once
// and auto-assignment works the queue down: assignmentsPerSecond is measured from the
// agents' `status online` frames to the last visitor told an agent joined. Then C conversations
// (default 1,000), each picked at random, end and hand off again, the way chats come
// and go; maxMinusMinActive is the spread of conversations per agent over the last
// fifth of that churn (the steady state; target ≤ 1), initialMaxMinusMin right after the
// queue was worked down. Prints one JSON line.
import { parseArgs } from 'node:util';
import { startTestServer } from '../../tests/server/helpers/running-server.js';
import { SocketClient, helloVisitor } from '../../tests/server/helpers/socket-client.js';
import { createAccount, logIn, openAgentSocket } from '../../tests/server/helpers/console-session.js';
import { seededRandom } from '../../cli/seeded-random.js';

const { values } = parseArgs({ options: {
  visitors: { type: 'string', default: '1000' }, agents: { type: 'string', default: '50' }, limit: { type: 'string', default: '25' }, churn: { type: 'string', default: '1000' },
} });
const [visitorCount, agentCount, limit, churn] = ['visitors', 'agents', 'limit', 'churn'].map((name) => Number(values[name]));
const random = seededRandom(17);
const isEvent = (name) => (f) => f.type === 'event' && f.event === name;

// One address plays every visitor: the per-IP limits would stop it, not the routing.
const many = visitorCount * 10;
const server = await startTestServer({
  config: {
    agentMaxChats: limit,
    // The simulated visitors do not ping; the run outlasts the idle timeout.
    limits: { ipBurst: many, ipPerMinute: many, helloBurst: many, helloPerMinute: many, maxConnectionsPerIp: visitorCount + agentCount + 100, idleTimeoutMs: 3_600_000 },
  },
});
try {
  const team = (await server.teams.create({ name: 'Bench', siteIds: ['demo'] })).team;
  const agents = [];
  for (let i = 0; i < agentCount; i += 1) {
    const account = await createAccount(server, { username: `bench${i}`, name: `agent-${i}`, teamIds: [team.id] });
    const socket = await openAgentSocket(server, await logIn(server, account.username));
    await socket.request({ type: 'login' }, 'ready', 30_000);
    await socket.request({ type: 'status', status: 'away' }, (f) => f.type === 'result' && f.request === 'status', 30_000);
    agents.push({ name: account.displayName, socket });
  }
  const byName = new Map(agents.map((agent) => [agent.name, agent]));
  const visitors = [];
  for (let i = 0; i < visitorCount; i += 1) {
    const client = await SocketClient.open(server.wsUrl, { origin: server.origin, protocolChecked: false });
    const { conversationId } = await helloVisitor(client);
    visitors.push({ client, conversationId, agent: null });
  }
  // All ask for a person at once, the way a queue builds up when nobody is on duty.
  for (const visitor of visitors) visitor.client.send({ type: 'handoff', reason: 'visitor' });
  await Promise.all(visitors.map((visitor) => visitor.client.next(isEvent('queued'), 120_000)));
  for (const visitor of visitors) visitor.client.drain();
  const joined = (visitor, timeoutMs) => visitor.client.next(isEvent('agent_joined'), timeoutMs).then((frame) => {
    visitor.agent = byName.get(frame.name);
  });

  const expected = Math.min(visitorCount, agentCount * limit);
  const started = performance.now();
  for (const agent of agents) agent.socket.send({ type: 'status', status: 'online' });
  const waitingForAll = visitors.map((visitor) => joined(visitor, 120_000).catch(() => {}));
  await Promise.all(waitingForAll);
  const assigned = visitors.filter((visitor) => visitor.agent).length;
  const seconds = (performance.now() - started) / 1000;

  const spread = () => {
    const loads = server.desk.agentList().map((agent) => agent.active);
    return Math.max(...loads) - Math.min(...loads);
  };
  const initialMaxMinusMin = spread();
  let steadyMaxMinusMin = 0;
  for (let round = 0; round < churn; round += 1) {
    const held = visitors.filter((visitor) => visitor.agent);
    const visitor = held[Math.floor(random() * held.length)];
    const { agent } = visitor;
    visitor.agent = null;
    agent.socket.drain(); // the consoles' pushed frames are not what is measured
    await agent.socket.request({ type: 'end', conversationId: visitor.conversationId }, (f) => f.type === 'result' && f.conversationId === visitor.conversationId, 30_000);
    await visitor.client.next(isEvent('rating_requested'), 30_000);
    visitor.client.send({ type: 'handoff', reason: 'visitor' });
    await joined(visitor, 30_000);
    if (round >= churn * 0.8) steadyMaxMinusMin = Math.max(steadyMaxMinusMin, spread());
  }
  process.stdout.write(`${JSON.stringify({
    visitors: visitorCount, agents: agentCount, limit, assigned, expected, assignmentsPerSecond: Math.round(assigned / seconds),
    maxMinusMinActive: steadyMaxMinusMin, initialMaxMinusMin, churn, durability: server.config.durability,
  })}\n`);
  for (const visitor of visitors) visitor.client.close();
  for (const agent of agents) agent.socket.close();
} finally {
  await server.close();
  server.removeData();
}
