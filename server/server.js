// The reference Kefu server: one HTTP server on one port for the browser files, the
// demo pages and the agent console, plus two WebSocket endpoints — `/ws` for visitors
// (protocol v1) and `/agent` for the console. docs/server.md describes all of it.
import { createServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { RateLimiter } from './security/rate-limiter.js';
import { LoginBackoff } from './security/login-backoff.js';
import { ConversationStore } from './store/conversation-store.js';
import { Presence } from './live/presence.js';
import { AgentDesk } from './routing/agent-desk.js';
import { VisitorConnection } from './visitor/visitor-connection.js';
import { AgentConnection } from './agent/agent-connection.js';
import { createSiteRoutes, REPO_ROOT } from './http/site-routes.js';
import { SiteKnowledge } from './kb/site-knowledge.js';
import { HotQuestions } from './reports/hot-questions.js';

// ws closes the socket (1009) above this; frames between the protocol limit and this
// get a `frame_too_large` error instead, so a client learns why.
const SOCKET_PAYLOAD_FACTOR = 4;

/**
 * @param {{configPath?: string, config?: object, port?: number, host?: string, dataDir?: string, quiet?: boolean}} [options]
 * @returns {Promise<{httpUrl: string, wsUrl: string, agentToken: string, config: object, close: () => Promise<void>}>}
 */
export async function startKefuServer(options = {}) {
  const config = loadConfig(options.configPath, options.config ?? {});
  if (options.port !== undefined) config.port = options.port;
  if (options.host !== undefined) config.host = options.host;
  if (options.dataDir !== undefined) config.dataDir = options.dataDir;
  const log = options.quiet ? createLogger({ write: () => {} }) : createLogger({ level: config.logLevel ?? 'info' });

  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const knowledge = await SiteKnowledge.load(config.sites, REPO_ROOT, { maxChars: config.limits.botVerdictChars });
  let store;
  try {
    store = await ConversationStore.open(dataDir, {
      durability: config.durability, conversationCacheBytes: config.limits.conversationCacheBytes, sequenceCacheBytes: config.limits.sequenceCacheBytes, warn: log.warn,
    });
  } catch (error) {
    knowledge.dispose();
    throw error;
  }
  const hotQuestions = new HotQuestions(store, config);
  await hotQuestions.restore();
  const presence = new Presence();
  const desk = new AgentDesk({ store, presence, config, log });
  await desk.restore();
  const limiters = {
    visitor: new RateLimiter({ burst: config.limits.visitorBurst, perMinute: config.limits.visitorPerMinute }),
    ip: new RateLimiter({ burst: config.limits.ipBurst, perMinute: config.limits.ipPerMinute }),
    hello: new RateLimiter({ burst: config.limits.helloBurst, perMinute: config.limits.helloPerMinute }),
  };
  const loginBackoff = new LoginBackoff({ freeFailures: config.limits.loginFreeFailures, baseDelayMs: config.limits.loginBackoffBaseMs, maxDelayMs: config.limits.loginBackoffMaxMs });

  const http = createServer(createSiteRoutes({ config, log }));
  let ownOrigins = [];
  const services = { store, desk, presence, config, log, limiters, loginBackoff, knowledge, hotQuestions, clock: Date.now, ownOrigins: () => ownOrigins };
  const socketOptions = { noServer: true, maxPayload: config.limits.maxFrameBytes * SOCKET_PAYLOAD_FACTOR };
  const visitors = new WebSocketServer(socketOptions);
  const agents = new WebSocketServer(socketOptions);
  visitors.on('connection', (socket, request) => new VisitorConnection(socket, request, services));
  agents.on('connection', (socket, request) => new AgentConnection(socket, request, services));
  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const endpoint = path === '/ws' ? visitors : path === '/agent' ? agents : null;
    if (!endpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    endpoint.handleUpgrade(request, socket, head, (ws) => endpoint.emit('connection', ws, request));
  });

  await new Promise((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, resolveListen);
  });
  const { port } = http.address();
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const httpUrl = `http://${hostForUrl}:${port}`;
  // The server's own pages may always open a chat: it serves the demo site itself.
  ownOrigins = [httpUrl, `http://localhost:${port}`, `http://127.0.0.1:${port}`];
  log.info('server_started', { httpUrl, dataDir, durability: config.durability });

  let closing = null;
  const close = () => {
    closing ??= (async () => {
      desk.stop();
      for (const client of [...visitors.clients, ...agents.clients]) client.terminate();
      await new Promise((done) => http.close(done));
      http.closeAllConnections?.();
      // Store writes already started finish before the database closes.
      await store.close();
      knowledge.dispose();
      log.info('server_stopped', {});
    })();
    return closing;
  };
  return { httpUrl, wsUrl: `ws://${hostForUrl}:${port}/ws`, agentUrl: `ws://${hostForUrl}:${port}/agent`, agentToken: config.agentToken, config, close };
}

/** Ctrl-C or SIGTERM closes the server (sockets, then the store) once, then exits. */
export function closeOnSignals(server) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
