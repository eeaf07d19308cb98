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
  },
  sites: {
    demo: {
      name: 'Lumen Cloud Notes',
      allowedOrigins: ['http://127.0.0.1:8080', 'http://localhost:8080'],
      // HMAC key for Kefu('identify', {id, hash}); null = every visitor is anonymous.
      identitySecret: null,
      knowledgeBase: 'shared/kb/demo.json',
      // Agents answer on weekdays 9:00-18:00 in this time zone; outside: leave a message.
      businessHours: { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' },
      preChatForm: false,
    },
  },
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
    if (!Array.isArray(site.allowedOrigins)) throw new Error(`sites.${siteId}.allowedOrigins must be an array of origins`);
  }
  return config;
}
