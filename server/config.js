// Server configuration: a JSON file (KEFU_SERVER_CONFIG or --config) merged over
// these defaults. Every limit is named here with its reason; docs/server.md lists them.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export const DEFAULT_CONFIG = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './kefu-data',
  // 'flushed': an ack means the message survives power loss; 'committed': it survives a
  // killed process only (faster; for tests and benchmarks).
  durability: 'flushed',
  // debug | info | warn | error (logs are JSON lines on stdout).
  logLevel: 'info',
  // Behind a reverse proxy every socket comes from the proxy: list its addresses (e.g.
  // ["127.0.0.1"]) and the per-IP limits take the visitor's address from the
  // X-Forwarded-For entry that proxy appended (server/security/client-address.js). Only
  // the proxy's own addresses: a header from anyone else is the client's to forge.
  trustProxy: [],
  // Printed at start when not configured, so the demo console is usable at once.
  agentToken: null,
  limits: {
    maxFrameBytes: 64 * 1024, // protocol v1 ceiling
    maxTextChars: 4000, // protocol v1 default
    // A visitor types; 20 messages in a burst and one per 2 s after that is generous for
    // a person and stops a script.
    visitorBurst: 20,
    visitorPerMinute: 30,
    // Several visitors can share one IP (offices, mobile carrier NAT).
    ipBurst: 200,
    ipPerMinute: 600,
    // New chat sessions (hello frames) per IP: each may create a conversation on disk,
    // so a script opening sockets in a loop is stopped; sized like the message limit
    // because a carrier NAT puts many real visitors behind one address.
    helloBurst: 200,
    helloPerMinute: 600,
    // A socket that has not said hello by then is closed (it holds memory for nothing).
    helloTimeoutMs: 10_000,
    // The widget pings after 25 s of quiet; a socket silent for two of those and a
    // margin is dead (a phone that lost its network never sends a close).
    idleTimeoutMs: 70_000,
    // Transport limits (docs/security.md): what one client address may hold open, and
    // how long a connection may stay without doing its part.
    // An agent console socket that has not logged in by then is closed.
    loginTimeoutMs: 10_000,
    // Open TCP connections (HTTP and WebSocket) per client address: a visitor needs one
    // socket per tab and a few page loads; an office or a carrier NAT shares one address,
    // so generous, but one script cannot take every file descriptor.
    maxConnectionsPerIp: 256,
    // A connection must send its complete request headers this long after it opened (or
    // after its previous request): also drops connections that send nothing at all.
    headersTimeoutMs: 10_000,
    // The whole request (every route is a GET without a body).
    requestTimeoutMs: 30_000,
    // An idle keep-alive connection is closed after this (Node's default).
    keepAliveTimeoutMs: 5_000,
    // Pre-chat forms per visitor (each up to a frame's 64 KiB): sent once per conversation,
    // a few retries allowed; the per-IP message bucket applies too.
    prechatBurst: 5,
    prechatPerMinute: 5,
    // The server runs the FAQ engine on each visitor text the bot takes, to decide the
    // bot's answer itself. The engine's cost grows faster than the text (on the shared
    // 2-core build machine under load: 500 Chinese characters ~8 ms, 4,000 ~340 ms), so
    // it judges the first 500; a FAQ question is far shorter.
    botVerdictChars: 500,
    // Hot questions one visitor and one site may file per UTC day: a person asks a few
    // the bot cannot answer; a script filing thousands would bury the real ones.
    hotQuestionsPerVisitorPerDay: 20,
    hotQuestionsPerSitePerDay: 2000,
    // Groups kept per site; past it a new group replaces the one asked least, longest ago.
    hotQuestionGroupsPerSite: 5000,
    // A hot question is grouped and shown by its first 200 characters: a question fits,
    // and the cut bounds the work per filing and the bytes of a report page.
    hotQuestionChars: 200,
    // Groups per page of the hot-questions report (a console asks for more with offset).
    hotQuestionsPageSize: 50,
    // Conversation records cached in memory, by their bytes (one may carry large pre-chat
    // fields); and the per-conversation sequence numbers.
    conversationCacheBytes: 64 * 1024 * 1024,
    sequenceCacheBytes: 16 * 1024 * 1024,
    // Visitor typing reaches every console: at most one frame per conversation per
    // second (the latest state is sent when the second is up, so "off" always arrives).
    typingForwardIntervalMs: 1000,
    // Console logins from one address: 5 wrong tokens free (typos), then locked out
    // 1 s, 2 s, 4 s… up to a minute per further failure.
    loginFreeFailures: 5,
    loginBackoffBaseMs: 1000,
    loginBackoffMaxMs: 60_000,
  },
  // Estimated wait for the first visitor in the queue when no conversation has been
  // handled yet: a typical support chat takes a few minutes.
  defaultHandlingSeconds: 180,
  // An agent whose console closed (reload, network blip) has this long to come back
  // before their visitors return to the front of the queue.
  agentReconnectGraceSeconds: 60,
  // The ETA averages the handling time of this many most recent conversations.
  handlingTimeWindow: 20,
  // Hot-questions report: unanswered questions whose character-bigram Jaccard
  // similarity is at least this are one group. 0.5 groups "发票怎么开" with "发票怎么开呀"
  // (0.8) but not with "怎么开通会员" (0.29); much lower merges unrelated questions that
  // share a common word, much higher splits trivial rewordings.
  hotQuestionSimilarity: 0.5,
  sites: {
    demo: {
      name: 'Lumen Cloud Notes',
      allowedOrigins: ['http://127.0.0.1:8080', 'http://localhost:8080'],
      knowledgeBase: 'shared/kb/demo.json',
      businessHours: { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' },
    },
  },
};

// What every site gets unless its config says otherwise.
export const SITE_DEFAULTS = {
  name: 'Kefu',
  allowedOrigins: [],
  // HMAC key for Kefu('identify', {id, hash}); null = every visitor is anonymous.
  identitySecret: null,
  knowledgeBase: 'shared/kb/demo.json',
  // Agents answer on these ISO weekdays (1 = Monday) between open and close in this
  // time zone; outside them a hand-off becomes leave-a-message. null = always open.
  businessHours: null,
  // With no agent logged in to the console, a hand-off also becomes leave-a-message;
  // false queues the visitor anyway (tests, or a team that logs in on demand).
  offlineWhenNoAgent: true,
  preChatForm: false,
  // Per-site text limit (code points); at most the protocol's 4,000.
  maxTextChars: 4000,
};

function merge(base, override) {
  if (override === undefined) return base;
  if (base === null || typeof base !== 'object' || Array.isArray(base) || typeof override !== 'object' || override === null || Array.isArray(override)) return override;
  const merged = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = key in base ? merge(base[key], value) : value;
  return merged;
}

export function loadConfig(path, overrides = {}) {
  const fromFile = path ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const config = merge(merge(DEFAULT_CONFIG, fromFile), overrides);
  if (!config.agentToken) config.agentToken = randomBytes(12).toString('base64url');
  for (const [siteId, site] of Object.entries(config.sites)) {
    if (site && !Array.isArray(site.allowedOrigins)) throw new Error(`sites.${siteId}.allowedOrigins must be an array of origins`);
    config.sites[siteId] = merge(SITE_DEFAULTS, site);
    if (!Array.isArray(config.sites[siteId].allowedOrigins)) throw new Error(`sites.${siteId}.allowedOrigins must be an array of origins`);
  }
  return config;
}
