import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, ConfigError, CONFIG_KEYS, DEFAULT_CONFIG, SITE_KEYS } from '../../server/config.js';
import { createLogger } from '../../server/log.js';

test('a config file overrides only what it names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ port: 9000, limits: { visitorBurst: 5 }, sites: { demo: { preChatForm: true } } }));
  const config = readConfig(path);
  assert.equal(config.port, 9000);
  assert.equal(config.limits.visitorBurst, 5);
  assert.equal(config.limits.maxFrameBytes, DEFAULT_CONFIG.limits.maxFrameBytes);
  assert.equal(config.sites.demo.preChatForm, true);
  assert.deepEqual(config.sites.demo.allowedOrigins, DEFAULT_CONFIG.sites.demo.allowedOrigins);
});

test('an origin list that is not a list of origins is rejected at start', () => {
  assert.throws(() => readConfig(undefined, { sites: { broken: { allowedOrigins: 'https://a.example' } } }), (error) => error instanceof ConfigError && /sites\.broken\.allowedOrigins must be an array of origins/.test(error.message));
  assert.throws(() => readConfig(undefined, { sites: { broken: { allowedOrigins: ['https://a.example/path'] } } }), /allowedOrigins/);
});

test('a new site without allowedOrigins gets [] as the docs say, and every site default', () => {
  const config = readConfig(undefined, { sites: { acme: { name: 'Acme' } } });
  assert.deepEqual(config.sites.acme.allowedOrigins, []);
  assert.equal(config.sites.acme.businessHours, null);
  assert.equal(config.sites.acme.offlineWhenNoAgent, true);
  assert.ok(config.sites.demo, 'the demo site stays unless the file replaces it');
});

test('docs/server.md names every config key in the table', () => {
  const docs = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8');
  const names = [...Object.entries(CONFIG_KEYS).flatMap(([name, row]) => ('kind' in row ? [name] : Object.keys(row))), ...Object.keys(SITE_KEYS)];
  for (const name of names) assert.match(docs, new RegExp(`\`(sites\\.<id>\\.|limits\\.)?${name}\``), name);
});

test('logs are one JSON object per line, filtered by level', () => {
  const lines = [];
  const log = createLogger({ level: 'info', write: (line) => lines.push(line), now: () => 'T' });
  log.debug('hidden');
  log.info('visitor_connected', { siteId: 'demo' });
  assert.deepEqual(lines.map((line) => JSON.parse(line)), [{ time: 'T', level: 'info', event: 'visitor_connected', siteId: 'demo' }]);
});
