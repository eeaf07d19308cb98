// The reference Kefu server: one HTTP server on one port for the browser files, the
// demo pages and the agent console, plus two WebSocket endpoints — `/ws` for visitors
// (protocol v1) and `/agent` for the console. docs/server.md describes all of it.
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { readConfig } from './config.js';
import { createLogger } from './log.js';
import { RateLimiter } from './security/rate-limiter.js';
import { SharedRateLimits } from './security/shared-rate-limits.js';
import { openFanout } from './fanout/open-fanout.js';
import { LoginBackoff } from './security/login-backoff.js';
import { openStore } from './store/open-store.js';
import { Presence } from './live/presence.js';
import { AgentDesk } from './routing/agent-desk.js';
import { VisitorConnection } from './visitor/visitor-connection.js';
import { AgentConnection } from './agent/agent-connection.js';
import { createSiteRoutes, REPO_ROOT } from './http/site-routes.js';
import { createUploadRoutes } from './http/uploads.js';
import { API_PREFIX, createConsoleRoutes, sessionToken } from './http/console-routes.js';
import { ConsoleAccounts } from './accounts/console-accounts.js';
import { TeamDirectory } from './accounts/team-directory.js';
import { AddressConnections } from './security/address-connections.js';
import { clientAddress, isTrustedProxy } from './security/client-address.js';
import { upgradeAllowed } from './security/origins.js';
import { SiteKnowledge } from './kb/site-knowledge.js';
import { siteProfile } from './visitor/site-profile.js';
import { HotQuestions } from './reports/hot-questions.js';
import { KnowledgeLibrary } from './kb/kb-library.js';

// ws closes the socket (1009) above this; frames between the protocol limit and this
// get a `frame_too_large` error instead, so a client learns why.
const SOCKET_PAYLOAD_FACTOR = 4;

// The path a request names, or null when its target is not a URL at all.
function requestPath(request) {
  try {
    return new URL(request.url, 'http://localhost').pathname;
  } catch {
    return null;
  }
}

// Answers an upgrade that will not become a WebSocket, then lets the socket go.
function refuseUpgrade(socket, status) {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * @param {{configPath?: string, config?: object, port?: number, host?: string, dataDir?: string, quiet?: boolean}} [options]
 * @returns {Promise<{httpUrl: string, wsUrl: string, agentUrl: string, accounts: ConsoleAccounts, config: object,
 *   publishKnowledgeBase: (siteId: string, kbJson: string) => Promise<{version: string, faqs: number, phrasings: number, buildMs: number} | {error: {code: string, message: string}}>,
 *   close: () => Promise<void>}>}
 */
export async function startKefuServer(options = {}) {
  // The options are checked like the file's keys (a PORT of "abc" is a ConfigError).
  const given = Object.fromEntries(['port', 'host', 'dataDir'].filter((name) => options[name] !== undefined).map((name) => [name, options[name]]));
  const config = readConfig(options.configPath, { ...options.config, ...given });
  const log = options.quiet ? createLogger({ write: () => {} }) : createLogger({ level: config.logLevel ?? 'info' });

  const knowledge = await SiteKnowledge.load(config.sites, REPO_ROOT, { maxChars: config.limits.botVerdictChars, dataDir: config.dataDir, log });
  let store;
  try {
    store = await openStore(config, { warn: log.warn });
  } catch (error) {
    knowledge.dispose();
    throw error;
  }
  let fanout;
  try {
    fanout = await openFanout(config);
  } catch (error) {
    await store.close();
    knowledge.dispose();
    throw error;
  }
  const hotQuestions = new HotQuestions(store, config);
  await hotQuestions.restore();
  const presence = new Presence({ fanout });
  // Messages published while this instance's subscription was down are gone: its
  // visitors and consoles reconnect and catch up from the store.
  fanout.onGap(() => {
    log.warn('fanout_gap_reconnecting_clients', {});
    presence.reconnectEveryone();
  });
  const teams = await TeamDirectory.load({ store, siteIds: Object.keys(config.sites), fanout });
  const desk = new AgentDesk({ store, presence, fanout, teams, config, log });
  await desk.restore();
  // With several instances the buckets are shared (Redis), so a visitor's budget does not
  // grow with the number of instances their sockets reach.
  const sharedLimits = config.fanout.kind === 'redis' ? new SharedRateLimits(config.fanout.url) : null;
  const bucket = (name, settings) => (sharedLimits ? sharedLimits.limiter(name, settings) : new RateLimiter(settings));
  const limiters = {
    visitor: bucket('visitor', { burst: config.limits.visitorBurst, perMinute: config.limits.visitorPerMinute }),
    ip: bucket('ip', { burst: config.limits.ipBurst, perMinute: config.limits.ipPerMinute }),
    prechat: bucket('prechat', { burst: config.limits.prechatBurst, perMinute: config.limits.prechatPerMinute }),
    hello: bucket('hello', { burst: config.limits.helloBurst, perMinute: config.limits.helloPerMinute }),
    upload: bucket('upload', { burst: config.limits.uploadBurst, perMinute: config.limits.uploadPerMinute }),
    uploadIp: bucket('upload-ip', { burst: config.limits.uploadIpBurst, perMinute: config.limits.uploadIpPerMinute }),
  };
  const loginBackoff = new LoginBackoff({ freeFailures: config.limits.loginFreeFailures, baseDelayMs: config.limits.loginBackoffBaseMs, maxDelayMs: config.limits.loginBackoffMaxMs });

  const accounts = new ConsoleAccounts({ store, teams, fanout, loginBackoff, sessionHours: config.consoleSessionHours, defaultMaxChats: config.agentMaxChats });

  const { limits } = config;
  const routes = createSiteRoutes({ config, log, knowledge, profile: (siteId, locale) => siteProfile({ config, desk, knowledge }, siteId, locale) });
  // Before the port opens: every site serves its KB of record (kb-library.js) from the first request.
  const library = new KnowledgeLibrary({ store, knowledge, sites: config.sites, root: REPO_ROOT, accounts, fanout, clock: Date.now, log });
  await library.start();
  const consoleRoutes = createConsoleRoutes({ accounts, teams, config, log, clock: Date.now, library, desk });
  const http = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for connections past those timeouts: often enough that one
    // fires at most a quarter of its length late.
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs / 4),
  }, (request, response) => {
    const path = requestPath(request);
    if (path === null) {
      response.writeHead(400, { connection: 'close' }).end();
      return;
    }
    const url = new URL(request.url, 'http://localhost');
    (path.startsWith(API_PREFIX) ? consoleRoutes(request, response, path) : uploads(request, response, url).then((handled) => handled || routes(request, response))).catch((error) => {
      log.error('http_request_failed', { error: error.message });
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  // Per-address cap on open connections. A trusted proxy's connections carry many
  // clients, so they are not capped as one; its WebSockets are counted by the address
  // it forwarded instead.
  const connections = new AddressConnections({ max: limits.maxConnectionsPerIp });
  const admit = (socket, address) => {
    if (!connections.tryOpen(address)) return false;
    socket.once('close', () => connections.closed(address));
    return true;
  };
  const fromProxy = (socket) => isTrustedProxy(socket.remoteAddress, config.trustProxy);
  http.on('connection', (socket) => {
    if (!fromProxy(socket) && !admit(socket, socket.remoteAddress)) socket.destroy();
  });
  let ownOrigins = [];
  // Agents upload and fetch files with their console session (the cookie), for the
  // conversations their console may see.
  const consoleConversation = async (request, conversationId) => {
    const session = await accounts.session(sessionToken(request));
    return { agent: session?.account ?? null, conversation: session ? await desk.visibleConversation(session.account, conversationId) : null };
  };
  const uploads = createUploadRoutes({ config, store, log, clock: Date.now, ownOrigins: () => ownOrigins, consoleConversation, limiters, partialFolder: join(resolve(config.dataDir), 'uploads-partial') });
  const services = { store, desk, presence, accounts, teams, config, log, limiters, knowledge, hotQuestions, clock: Date.now, ownOrigins: () => ownOrigins };
  const socketOptions = { noServer: true, maxPayload: limits.maxFrameBytes * SOCKET_PAYLOAD_FACTOR };
  const visitors = new WebSocketServer(socketOptions);
  const agents = new WebSocketServer(socketOptions);
  // A malformed frame (bad UTF-8, unmasked, reserved opcode or bit, too big, bad close
  // code) makes `ws` close that connection with its code (1002/1007/1009) and then emit
  // 'error'; unheard, that error would end the process.
  const onSocketError = (endpoint) => (error) => log.info('socket_closed_on_error', { endpoint, code: error.code ?? null });
  visitors.on('connection', (socket, request) => {
    socket.on('error', onSocketError('/ws'));
    new VisitorConnection(socket, request, services);
  });
  const consoles = new Set(); // every open /agent connection, logged in or not yet
  agents.on('connection', (socket, request, session) => {
    socket.on('error', onSocketError('/agent'));
    const connection = new AgentConnection(socket, request, session, services);
    consoles.add(connection);
    socket.once('close', () => consoles.delete(connection));
  });
  // A logout, a disabled account, a reset password or a changed role ends the consoles
  // on those sessions now, not at their next request.
  accounts.onSessionsEnded(({ accountId, tokenHash }) => {
    for (const agent of consoles) {
      if (agent.account.id === accountId || agent.tokenHash === tokenHash) agent.endSession();
    }
  });
  http.on('upgrade', (request, socket, head) => {
    // Node hands over the raw socket without its error listener: a reset before or
    // during the handshake must not end the process.
    socket.on('error', () => socket.destroy());
    const path = requestPath(request);
    const endpoint = path === '/ws' ? visitors : path === '/agent' ? agents : null;
    if (path === null) return refuseUpgrade(socket, '400 Bad Request');
    if (!endpoint) return refuseUpgrade(socket, '404 Not Found');
    if (fromProxy(socket) && !admit(socket, clientAddress(request, config.trustProxy))) return refuseUpgrade(socket, '503 Service Unavailable');
    const name = endpoint === visitors ? 'visitor' : 'agent';
    const originAllowed = upgradeAllowed(name, request, { sites: config.sites, ownOrigins });
    if (!originAllowed) log.warn('origin_refused', { endpoint: path, origin: request.headers.origin ?? null });
    if (name === 'agent') {
      if (!originAllowed) return refuseUpgrade(socket, '403 Forbidden');
      // The console's socket opens only on a live session: without the cookie not one
      // frame is read, so nothing there can answer a stranger.
      accounts.session(sessionToken(request)).then((session) => {
        if (!session) return refuseUpgrade(socket, '401 Unauthorized');
        agents.handleUpgrade(request, socket, head, (ws) => agents.emit('connection', ws, request, session));
      }, (error) => {
        log.error('agent_session_check_failed', { error: error.message });
        refuseUpgrade(socket, '503 Service Unavailable');
      });
      return;
    }
    if (originAllowed) {
      endpoint.handleUpgrade(request, socket, head, (ws) => endpoint.emit('connection', ws, request));
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
  const where = config.store.kind === 'postgres' ? { store: 'postgres' } : { store: 'leveldb', dataDir: resolve(config.dataDir), durability: config.durability };
  log.info('server_started', { httpUrl, ...where, fanout: config.fanout.kind, instanceId: fanout.instanceId });

  let closing = null;
  const close = () => {
    closing ??= (async () => {
      desk.stop();
      presence.dispose();
      for (const client of [...visitors.clients, ...agents.clients]) client.terminate();
      // Connections that never sent a request would hold close() until their timeout.
      const httpClosed = new Promise((done) => http.close(done));
      http.closeAllConnections();
      await httpClosed;
      // Store writes already started finish before the database closes.
      await fanout.dispose();
      sharedLimits?.dispose();
      await store.close();
      knowledge.dispose();
      log.info('server_stopped', {});
    })();
    return closing;
  };
  // publishKnowledgeBase: SiteKnowledge.publish (docs/server.md, "Knowledge bases"),
  // recorded in the site's version history.
  const publishKnowledgeBase = (siteId, kbJson) => library.publishText(siteId, kbJson);
  return { httpUrl, wsUrl: `ws://${hostForUrl}:${port}/ws`, agentUrl: `ws://${hostForUrl}:${port}/agent`, accounts, teams, desk, config, publishKnowledgeBase, close };
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
