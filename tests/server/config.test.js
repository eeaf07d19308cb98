import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, DEFAULT_CONFIG } from '../../server/config.js';
import { createLogger } from '../../server/log.js';

test('a config file overrides only what it names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ port: 9000, limits: { visitorBurst: 5 }, sites: { demo: { preChatForm: true } } }));
  const config = loadConfig(path);
  assert.equal(config.port, 9000);
  assert.equal(config.limits.visitorBurst, 5);
  assert.equal(config.limits.maxFrameBytes, DEFAULT_CONFIG.limits.maxFrameBytes);
  assert.equal(config.sites.demo.preChatForm, true);
  assert.deepEqual(config.sites.demo.allowedOrigins, DEFAULT_CONFIG.sites.demo.allowedOrigins);
  assert.match(config.agentToken, /^[\w-]{16}$/);
});

test('a site without an origin list is rejected at start', () => {
  assert.throws(() => loadConfig(undefined, { sites: { broken: { allowedOrigins: 'https://a.example' } } }), /allowedOrigins/);
});

test('logs are one JSON object per line, filtered by level', () => {
  const lines = [];
  const log = createLogger({ level: 'info', write: (line) => lines.push(line), now: () => 'T' });
  log.debug('hidden');
  log.info('visitor_connected', { siteId: 'demo' });
  assert.deepEqual(lines.map((line) => JSON.parse(line)), [{ time: 'T', level: 'info', event: 'visitor_connected', siteId: 'demo' }]);
});
