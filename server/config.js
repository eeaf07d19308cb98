// Server configuration: a JSON file (`--config`, or KEFU_SERVER_CONFIG) merged over the
// defaults in CONFIG_KEYS, the one table of every key: its kind (type and constraint),
// default and a doc line. Adding a key is one row. The whole configuration is checked
// at start, and the first mistake is one line naming the key and the fix (ConfigError);
// `kefu serve --help` prints the table, docs/server.md explains the keys.
import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { JsonFileError, readJsonFile } from './json-file.js';
import { PROTOCOL_LIMITS } from './protocol/frame-validator.js';

export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A mistake in the configuration, said in one line that names the key and the fix. */
export class ConfigError extends Error {}

// --- Kinds: what a value must be, said the way the error says it. -----------------------

const show = (value) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** A kind whose values pass `test`; `expected` completes "<key> must be …". */
function kind(expected, test) {
  return {
    expected,
    read(value, at) {
      if (!test(value)) throw new ConfigError(`${at} must be ${expected} (got ${show(value)})`);
      return value;
    },
  };
}

const text = kind('a non-empty string', (value) => typeof value === 'string' && value.trim() !== '');
const boolean = kind('true or false', (value) => typeof value === 'boolean');
const integer = (min, max) =>
  kind(max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`, (value) => Number.isInteger(value) && value >= min && (max === undefined || value <= max));
const atLeast = (min) => kind(`a number ≥ ${min}`, (value) => typeof value === 'number' && value >= min && Number.isFinite(value));
const between = (min, max) => kind(`a number from ${min} to ${max}`, (value) => typeof value === 'number' && value >= min && value <= max);
const oneOf = (...values) => kind(values.map(show).join(' or '), (value) => values.includes(value));

const nullable = (inner) => ({
  expected: `${inner.expected}, or null`,
  read: (value, at, context) => (value === null ? null : inner.read(value, at, context)),
});

// An origin as the browser sends it ("https://www.example.com", no path), or a
// subdomain pattern "https://*.example.com"; server/security/origins.js matches them.
const ORIGIN = /^https?:\/\/(\*\.)?([^\s/*:[\]]+|\[[\da-f:.]+\])(:\d{1,5})?$/i;
const origins = kind('an array of origins like ["https://www.example.com", "https://*.example.com"]', (value) => Array.isArray(value) && value.every((item) => typeof item === 'string' && (item === '*' || ORIGIN.test(item))));

// A file that must exist at start (a missing knowledge base would otherwise surface as a
// 404 in a visitor's browser). Relative paths are from the config file's folder; the
// defaults' from the package.
const existingFile = {
  expected: 'the path of a file',
  read(value, at, { baseDir }) {
    text.read(value, at);
    const path = isAbsolute(value) ? value : resolve(baseDir, value);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new ConfigError(`${at}: no file at ${path}${isAbsolute(value) ? '' : ` ("${value}" is read from ${baseDir})`}; give the path of the site's knowledge base JSON`);
    return path;
  },
};

const addresses = kind('an array of IP addresses like ["127.0.0.1"]', (value) => Array.isArray(value) && value.every((item) => typeof item === 'string' && isIP(item) !== 0));

const clockTime = kind('a time "HH:MM" on the 24-hour clock, like "09:00" or "18:30"', (value) => typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/.test(value));
const timeZone = kind('an IANA time zone like "Asia/Shanghai"', (value) => {
  if (typeof value !== 'string') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
});
// An empty list is allowed: a site that is never staffed (every hand-off a ticket).
const weekdays = kind('an array of ISO weekdays, 1 (Monday) to 7 (Sunday), like [1, 2, 3, 4, 5]', (value) => Array.isArray(value) && value.every((day) => Number.isInteger(day) && day >= 1 && day <= 7));

/**
 * A JSON object with its own table of keys (all required unless they have a default);
 * `relation` checks the read object as a whole and returns a problem, or null.
 */
const object = (keys, expected, relation = () => null) => ({
  expected,
  keys,
  read(value, at, context) {
    const out = readKeys(keys, value, at, context, expected);
    const problem = relation(out);
    if (problem) throw new ConfigError(`${at}.${problem}`);
    return out;
  },
});

/** An object whose own keys are names (site ids), each an `object(keys)`. */
const namedObjects = (namePattern, nameRule, inner) => ({
  expected: `an object of ${nameRule} → settings`,
  named: true,
  keys: inner.keys,
  read(value, at, context) {
    if (!isPlainObject(value)) throw new ConfigError(`${at} must be ${this.expected} (got ${show(value)})`);
    const out = {};
    for (const [name, settings] of Object.entries(value)) {
      if (!namePattern.test(name)) throw new ConfigError(`${at}: "${name}" is not a valid name; use ${nameRule}`);
      out[name] = inner.read(settings, `${at}.${name}`, context);
    }
    return out;
  },
});

// --- The table. ------------------------------------------------------------------------

const REQUIRED = Symbol('required');

/** One row: the value's kind, its default (REQUIRED: none), and what it is for. */
const key = (valueKind, defaultValue, doc) => ({ kind: valueKind, default: defaultValue, doc });

const BUSINESS_HOURS = object(
  {
    timeZone: key(timeZone, REQUIRED, 'the time zone the hours are in'),
    days: key(weekdays, REQUIRED, 'ISO weekdays agents work (1 = Monday); [] = never'),
    open: key(clockTime, REQUIRED, 'opening time'),
    close: key(clockTime, REQUIRED, 'closing time'),
  },
  '{"timeZone", "days", "open", "close"}, like {"timeZone": "Asia/Shanghai", "days": [1, 2, 3, 4, 5], "open": "09:00", "close": "18:00"}',
  // "HH:MM" strings order like the times; hours past midnight are not supported.
  (hours) => (hours.close > hours.open ? null : `close must be later than open (${hours.open}); hours past midnight are not supported`),
);

// The widget's home screen and look (docs/embedding.md, "Home screen and texts"),
// served to the widget at /site/<id>.json; each may be overridden at boot.
const LOCALES = ['zh-CN', 'zh-TW', 'en'];
const TEXT_NAMES = ['brandName', 'greeting', 'placeholder', 'offline'];
const widgetTexts = kind(
  `an object of locale (${LOCALES.join(', ')}) → {${TEXT_NAMES.join(', ')}} strings of at most 500 characters, like {"en": {"greeting": "Hi!"}}`,
  (value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) &&
    Object.entries(value).every(([locale, texts]) => LOCALES.includes(locale) && texts !== null && typeof texts === 'object' && !Array.isArray(texts) &&
      Object.entries(texts).every(([name, item]) => TEXT_NAMES.includes(name) && typeof item === 'string' && item.length <= 500)),
);
// http(s) or site-relative; the widget shows them as <img>, never as HTML.
const IMAGE_URL = /^(https?:\/\/|\/)[^\s"'<>\\]{1,2000}$/i;
const imageUrl = kind('an http(s) URL or a path starting with "/", like "https://www.example.com/logo.png"', (value) => typeof value === 'string' && IMAGE_URL.test(value));
const imageUrls = kind('an array of at most 3 image URLs (http(s) or starting with "/")', (value) => Array.isArray(value) && value.length <= 3 && value.every((item) => typeof item === 'string' && IMAGE_URL.test(item)));
const accentColour = kind('a CSS hex colour like "#07c160"', (value) => typeof value === 'string' && /^#([\da-f]{3}|[\da-f]{6})$/i.test(value));

const SITE_WIDGET_KEYS = {
  texts: key(widgetTexts, {}, 'the widget\'s words per locale: brandName, greeting, placeholder, offline (unset: the built-in ones)'),
  logo: key(nullable(imageUrl), null, 'logo shown on the home screen'),
  avatars: key(imageUrls, [], 'up to 3 team photos shown on the home screen when there is no logo'),
  accent: key(nullable(accentColour), null, 'the widget\'s theme colour (launcher, header, buttons); null: the default blue'),
  position: key(oneOf('right', 'left'), 'right', 'which bottom corner the launcher and the panel sit in'),
  suggestedQuestions: key(integer(0, 5), 5, 'questions offered on the home screen: the KB\'s featured ones, else the most answered'),
};

export const SITE_KEYS = {
  name: key(text, 'Kefu', 'the company name shown to visitors'),
  allowedOrigins: key(origins, [], 'origins whose pages may open a chat, besides the server\'s own'),
  identitySecret: key(nullable(text), null, 'HMAC key for Kefu(\'identify\', {id, hash}); null: every visitor is anonymous'),
  knowledgeBase: key(existingFile, 'shared/kb/demo.json', 'the site\'s KB JSON (relative to the config file), watched; its trained index is served at /kb/<id>.kfi, the file at /kb/<id>.json'),
  // Outside them a hand-off becomes leave-a-message.
  businessHours: key(nullable(BUSINESS_HOURS), null, 'when agents answer, in the site\'s time zone; null: always'),
  // False queues the visitor anyway (tests, or a team that logs in on demand).
  offlineWhenNoAgent: key(boolean, true, 'with no agent logged in, a hand-off becomes leave-a-message'),
  preChatForm: key(boolean, false, 'ask for name / email / phone before the first message'),
  maxTextChars: key(integer(1, PROTOCOL_LIMITS.maxTextChars), PROTOCOL_LIMITS.maxTextChars, 'longest visitor message, in characters (the protocol allows 4,000)'),
  // Attachments (server/http/uploads.js): images and PDFs, held in memory while they
  // arrive, so the cap also bounds what one upload costs the server.
  maxAttachmentBytes: key(integer(1, 64 * 1024 * 1024), 10 * 1024 * 1024, 'largest image or PDF a visitor or agent may send, in bytes (at most 64 MiB)'),
  // The agent console (docs/server.md): a ticket's first-response due time.
  ticketFirstResponseHours: key(integer(1), 24, 'a ticket is due a first reply this many hours after it was left'),
  ...SITE_WIDGET_KEYS,
};

// Where conversations are kept (server/store/open-store.js): the embedded LevelDB in
// dataDir, or a PostgreSQL database that several Kefu servers may share.
const STORE = object(
  {
    kind: key(oneOf('leveldb', 'postgres'), 'leveldb', '"leveldb": embedded, in dataDir; "postgres": the database at url'),
    url: key(nullable(kind('a postgres:// URL like "postgres://kefu@127.0.0.1:5432/kefu"', (value) => typeof value === 'string' && /^postgres(ql)?:\/\/\S+$/.test(value))), null, 'the PostgreSQL connection URL (kind "postgres" only)'),
  },
  '{"kind": "leveldb"} or {"kind": "postgres", "url": "postgres://…"}',
  (store) => {
    if (store.kind === 'postgres' && store.url === null) return 'url is missing: kind "postgres" needs the database URL, like "postgres://kefu@127.0.0.1:5432/kefu"';
    if (store.kind === 'leveldb' && store.url !== null) return 'url is for kind "postgres"; remove it, or set store.kind to "postgres"';
    return null;
  },
);

// How several Kefu servers on one database act as one service (server/fanout/,
// docs/deploy.md): "local" for a server alone; "redis" carries live frames, presence
// and "the queue changed" between instances and keeps the rate limits in one place.
const FANOUT = object(
  {
    kind: key(oneOf('local', 'redis'), 'local', '"local": one server alone; "redis": instances share live events and rate limits through the Redis at url'),
    url: key(nullable(kind('a redis:// URL like "redis://127.0.0.1:6379"', (value) => typeof value === 'string' && /^rediss?:\/\/\S+$/.test(value))), null, 'the Redis connection URL (kind "redis" only)'),
    // Three heartbeats without news and an instance counts as gone: its agents and
    // visitors stop counting, and consoles check the store for what it never published.
    heartbeatMs: key(integer(50), 5000, 'how often each instance announces its agents and visitors to the others'),
  },
  '{"kind": "local"} or {"kind": "redis", "url": "redis://…"}',
  (fanout) => {
    if (fanout.kind === 'redis' && fanout.url === null) return 'url is missing: kind "redis" needs the Redis URL, like "redis://127.0.0.1:6379"';
    if (fanout.kind === 'local' && fanout.url !== null) return 'url is for kind "redis"; remove it, or set fanout.kind to "redis"';
    return null;
  },
);

export const CONFIG_KEYS = {
  host: key(text, '127.0.0.1', 'address to listen on ("0.0.0.0": every interface)'),
  port: key(integer(0, 65535), 8080, 'TCP port; 0 picks a free one'),
  store: key(STORE, { kind: 'leveldb' }, 'where conversations are kept'),
  fanout: key(FANOUT, { kind: 'local' }, 'how server instances share live events, presence and rate limits'),
  dataDir: key(text, './kefu-data', 'LevelDB folder (relative to the working directory)'),
  // 'committed' survives a killed process but not power loss (tests, benchmarks).
  durability: key(oneOf('flushed', 'committed'), 'flushed', '"flushed": an ack means the message survives power loss'),
  logLevel: key(oneOf('debug', 'info', 'warn', 'error'), 'info', 'JSON log lines on stdout from this level up'),
  // Behind a reverse proxy every socket comes from the proxy: list its addresses (e.g.
  // ["127.0.0.1"]) and the per-IP limits take the visitor's address from the
  // X-Forwarded-For entry that proxy appended (server/security/client-address.js). Only
  // the proxy's own addresses: a header from anyone else is the client's to forge.
  trustProxy: key(addresses, [], 'addresses of the reverse proxies whose X-Forwarded-For is believed; []: none'),
  // Console accounts (server/accounts/console-accounts.js).
  consoleSessionHours: key(between(0.0001, 24 * 30), 12, 'a console login lasts this long (an HttpOnly cookie), then the agent logs in again'),
  agentMaxChats: key(integer(1, 100), 5, 'conversations one agent handles at once, unless an admin sets another number for them'),
  limits: {
    maxFrameBytes: key(integer(1024, PROTOCOL_LIMITS.maxFrameBytes), PROTOCOL_LIMITS.maxFrameBytes, 'largest visitor frame (protocol v1 ceiling)'),
    maxTextChars: key(integer(1, PROTOCOL_LIMITS.maxTextChars), PROTOCOL_LIMITS.maxTextChars, 'longest message in characters (protocol v1 default)'),
    // 20 in a burst and one per 2 s after is generous for a person and stops a script.
    visitorBurst: key(integer(1), 20, 'messages a visitor may send at once'),
    visitorPerMinute: key(integer(1), 30, 'then this many per minute'),
    // Offices and mobile carrier NAT put many visitors behind one address.
    ipBurst: key(integer(1), 200, 'messages one IP may send at once'),
    ipPerMinute: key(integer(1), 600, 'then this many per minute'),
    // Each hello may create a conversation on disk; sized like the message limit for NAT.
    helloBurst: key(integer(1), 200, 'new chats (hello frames) one IP may open at once'),
    helloPerMinute: key(integer(1), 600, 'then this many per minute'),
    helloTimeoutMs: key(integer(100), 10_000, 'a socket that has not said hello by then is closed'),
    // The widget pings after 25 s of quiet: two of those and a margin.
    idleTimeoutMs: key(integer(1000), 70_000, 'a silent socket is closed after this'),
    // Transport limits (docs/security.md): what one client address may hold open, and how
    // long a connection may stay without doing its part.
    loginTimeoutMs: key(integer(100), 10_000, 'an agent console socket that has not logged in by then is closed'),
    // A visitor needs one socket per tab and a few page loads; an office or a carrier NAT
    // shares one address, so generous, but one script cannot take every file descriptor.
    maxConnectionsPerIp: key(integer(1), 256, 'open TCP connections (HTTP and WebSocket) per client address'),
    // Also drops connections that send nothing at all.
    headersTimeoutMs: key(integer(100), 10_000, 'a connection must send its complete request headers within this'),
    requestTimeoutMs: key(integer(100), 30_000, 'the whole request, an attachment upload included'),
    keepAliveTimeoutMs: key(integer(100), 5_000, 'an idle keep-alive connection is closed after this'),
    // Each pre-chat form may be up to a frame's 64 KiB; sent once per conversation.
    prechatBurst: key(integer(1), 5, 'pre-chat forms a visitor may send at once'),
    prechatPerMinute: key(integer(1), 5, 'then this many per minute'),
    // The engine's cost grows faster than the text (500 Chinese characters ~8 ms, 4,000
    // ~340 ms on a loaded 2-core machine); a FAQ question is far shorter.
    botVerdictChars: key(integer(1, 4000), 500, 'the server\'s FAQ engine judges the first this-many characters of a visitor text'),
    // A person asks a few the bot cannot answer; a script filing thousands would bury the real ones.
    hotQuestionsPerVisitorPerDay: key(integer(1), 20, 'hot questions one visitor may file per UTC day'),
    hotQuestionsPerSitePerDay: key(integer(1), 2000, 'hot questions one site may file per UTC day'),
    hotQuestionGroupsPerSite: key(integer(1), 5000, 'groups kept per site; past it a new group replaces the one asked least, longest ago'),
    // A question fits; the cut bounds the work per filing and the bytes of a report page.
    hotQuestionChars: key(integer(1, 4000), 200, 'a hot question is grouped and shown by its first this-many characters'),
    hotQuestionsPageSize: key(integer(1), 50, 'groups per page of the hot-questions report'),
    // One record may carry large pre-chat fields, so the cache is bounded by bytes.
    conversationCacheBytes: key(integer(1024), 64 * 1024 * 1024, 'conversation records cached in memory, in bytes'),
    sequenceCacheBytes: key(integer(1024), 16 * 1024 * 1024, 'per-conversation sequence numbers cached in memory, in bytes'),
    // The latest state is sent when the interval is up, so "off" always arrives.
    typingForwardIntervalMs: key(integer(0), 1000, 'visitor typing reaches consoles at most once per conversation per this'),
    loginFreeFailures: key(integer(0), 5, 'wrong console logins from one address before the backoff starts (typos)'),
    loginBackoffBaseMs: key(integer(1), 1000, 'first lockout after those; doubles with each further failure'),
    loginBackoffMaxMs: key(integer(1), 60_000, 'longest lockout'),
    // Uploads: a person sends a few files; each costs up to maxAttachmentBytes of memory
    // and storage, so far fewer than messages.
    uploadBurst: key(integer(1), 10, 'attachments one visitor may upload at once'),
    uploadPerMinute: key(integer(1), 10, 'then this many per minute'),
    uploadIpBurst: key(integer(1), 60, 'attachments one IP may upload at once'),
    uploadIpPerMinute: key(integer(1), 60, 'then this many per minute'),
    // Each is held in memory until stored: this times the largest site cap bounds it.
    uploadsInFlight: key(integer(1), 16, 'attachment uploads the server receives at once; more get 503 and retry'),
  },
  defaultHandlingSeconds: key(integer(1), 180, 'queue ETA before any conversation was handled (a support chat takes minutes)'),
  agentReconnectGraceSeconds: key(atLeast(0), 60, 'an agent whose console closed has this long to come back before their visitors are queued again'),
  handlingTimeWindow: key(integer(1), 20, 'the ETA averages the handling time of this many recent conversations'),
  // 0.5 groups "发票怎么开" with "发票怎么开呀" (0.8) but not with "怎么开通会员" (0.29).
  hotQuestionSimilarity: key(between(0, 1), 0.5, 'character-bigram Jaccard similarity at which unanswered questions are one group'),
  sites: key(namedObjects(/^[\w-]{1,64}$/, 'letters, digits, "_" and "-" (at most 64)', object(SITE_KEYS, 'an object of site settings')), {
    demo: {
      name: 'Lumen Cloud Notes',
      allowedOrigins: ['http://127.0.0.1:8080', 'http://localhost:8080'],
      businessHours: { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' },
    },
  }, 'the sites this server chats for, by site id (the widget\'s siteId); a file\'s sites are merged over the demo site'),
};

// --- Reading. --------------------------------------------------------------------------

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Keys a release removed, with what replaces them: a config written for an older server
// gets the way forward instead of a guess at a similar name.
const REMOVED_KEYS = {
  agentToken: 'the shared console token is gone: agents log in with their own accounts; remove the key and create the first admin with the link `kefu serve` prints, or `kefu admin create`',
};

function unknownKey(at, name, known) {
  if (!at && Object.hasOwn(REMOVED_KEYS, name)) return new ConfigError(`${name}: ${REMOVED_KEYS[name]}`);
  const nearest = closest(name, known);
  const where = at ? `${at}.${name}` : name;
  // At most two edits, and fewer than the name has letters, so "x" does not become "host".
  const suggestion = distance(name.toLowerCase(), nearest.toLowerCase()) <= Math.min(2, name.length - 1) ? `did you mean "${at ? `${at}.` : ''}${nearest}"?` : `the keys${at ? ` of ${at}` : ''} are ${known.join(', ')}`;
  return new ConfigError(`unknown key "${where}"; ${suggestion}`);
}

function readKeys(keys, value, at, context, expected = 'an object') {
  if (!isPlainObject(value)) throw new ConfigError(`${at || 'the configuration'} must be ${expected} (got ${show(value)})`);
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(keys, name)) throw unknownKey(at, name, Object.keys(keys));
  }
  const out = {};
  for (const [name, row] of Object.entries(keys)) {
    const where = at ? `${at}.${name}` : name;
    if (!('kind' in row)) {
      out[name] = readKeys(row, value[name] ?? {}, where, context);
    } else if (Object.hasOwn(value, name)) {
      out[name] = row.kind.read(value[name], where, context);
    } else if (row.default === REQUIRED) {
      throw new ConfigError(`${where} is missing: ${row.doc}`);
    } else {
      out[name] = row.kind.read(structuredClone(row.default), where, { baseDir: PACKAGE_ROOT });
    }
  }
  return out;
}

// The file's values over the defaults: objects merge key by key, anything else replaces.
// Sites merge over the default sites, so a file can adjust the demo site by naming it.
function merge(base, override) {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged = { ...base };
  for (const [name, value] of Object.entries(override)) merged[name] = Object.hasOwn(base, name) ? merge(base[name], value) : value;
  return merged;
}

/**
 * The checked configuration: the file's values and `overrides` over the defaults. Paths
 * come back absolute.
 * Throws ConfigError, prefixed with the file's path, on the first mistake.
 * @param {string} [path]
 * @param {object} [overrides] from code (tests, npm start): relative paths are from the package
 */
export function readConfig(path, overrides = {}) {
  let fromFile = {};
  try {
    if (path) fromFile = readJsonFile(path, 'config file');
  } catch (error) {
    throw error instanceof JsonFileError ? new ConfigError(error.message) : error;
  }
  try {
    if (!isPlainObject(fromFile)) throw new ConfigError(`the configuration must be a JSON object (got ${show(fromFile)})`);
    const given = merge(merge({ sites: CONFIG_KEYS.sites.default }, fromFile), overrides);
    return readKeys(CONFIG_KEYS, given, '', { baseDir: path ? dirname(resolve(path)) : PACKAGE_ROOT });
  } catch (error) {
    if (error instanceof ConfigError && path) error.message = `${path}: ${error.message}`;
    throw error;
  }
}

/** The defaults, checked like a file. */
export const DEFAULT_CONFIG = readConfig();

/** `kefu serve --help`: every key with its default and doc line, from the table. */
export function describeConfigKeys() {
  const lines = [];
  const describe = (keys, prefix) => {
    for (const [name, row] of Object.entries(keys)) {
      if (!('kind' in row)) {
        describe(row, `${prefix}${name}.`);
        continue;
      }
      const shown = row.kind.keys ? '' : ` = ${show(row.default)}`;
      lines.push(`  ${prefix}${name}${shown}\n      ${row.doc}`);
      if (row.kind.keys) describe(row.kind.keys, `${prefix}${name}.${row.kind.named ? '<id>.' : ''}`);
    }
  };
  describe(CONFIG_KEYS, '');
  return lines.join('\n');
}
