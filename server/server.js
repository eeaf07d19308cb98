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
import { ConversationStore } from './store/conversation-store.js';
import { Presence } from './live/presence.js';
import { AgentDesk } from './routing/agent-desk.js';
import { VisitorConnection } from './visitor/visitor-connection.js';
import { AgentConnection } from './agent/agent-connection.js';
import { createSiteRoutes } from './http/site-routes.js';
import { upgradeAllowed } from './security/origins.js';

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
  const store = await ConversationStore.open(dataDir, { durability: config.durability });
  const presence = new Presence();
  const desk = new AgentDesk({ store, presence, config, log });
  await desk.restore();
  const limiters = {
    visitor: new RateLimiter({ burst: config.limits.visitorBurst, perMinute: config.limits.visitorPerMinute }),
    ip: new RateLimiter({ burst: config.limits.ipBurst, perMinute: config.limits.ipPerMinute }),
    hello: new RateLimiter({ burst: config.limits.helloBurst, perMinute: config.limits.helloPerMinute }),
  };

  const http = createServer(createSiteRoutes({ config, log }));
  let ownOrigins = [];
  const services = { store, desk, presence, config, log, limiters, clock: Date.now, ownOrigins: () => ownOrigins };
  const socketOptions = { noServer: true, maxPayload: config.limits.maxFrameBytes * SOCKET_PAYLOAD_FACTOR };
  const visitors = new WebSocketServer(socketOptions);
  const agents = new WebSocketServer(socketOptions);
  visitors.on('connection', (socket, request) => new VisitorConnection(socket, request, services));
  agents.on('connection', (socket) => new AgentConnection(socket, services));
  http.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const name = path === '/ws' ? 'visitor' : path === '/agent' ? 'agent' : null;
    if (!name) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const endpoint = name === 'visitor' ? visitors : agents;
    if (upgradeAllowed(name, request, { sites: config.sites, ownOrigins })) {
      endpoint.handleUpgrade(request, socket, head, (ws) => endpoint.emit('connection', ws, request));
      return;
    }
    log.warn('origin_refused', { endpoint: path, origin: request.headers.origin ?? null });
    if (name === 'agent') {
      socket.on('error', () => socket.destroy()); // a reset while refusing is no crash
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    // A browser learns nothing from a refused handshake, so the widget could not tell it
    // from a server that is down and would retry for ever. The socket is accepted only
    // to say why: one error frame and close 1008 with the code, nothing read from it.
    endpoint.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', () => ws.terminate());
      ws.send(JSON.stringify({ type: 'error', code: 'origin_not_allowed', message: 'this page may not open a chat on this server' }));
      ws.close(1008, 'origin_not_allowed');
    });
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
