// Starts the reference server on a free port with a throw-away data folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKefuServer } from '../../../server/server.js';

export function tempDataDir() {
  return mkdtempSync(join(tmpdir(), 'kefu-server-'));
}

/** Always open, queues without agents unless told otherwise; durability 'committed' for speed. */
export async function startTestServer({ dataDir = tempDataDir(), config = {} } = {}) {
  const base = { durability: 'committed', sites: { demo: { businessHours: null, offlineWhenNoAgent: false } } };
  const server = await startKefuServer({ port: 0, dataDir, quiet: true, config: mergeDeep(base, config) });
  return { ...server, dataDir, origin: server.httpUrl, removeData: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs `body` against a fresh test server, then stops it and removes its data. */
export async function withTestServer(options, body) {
  const server = await startTestServer(options);
  try {
    await body(server);
  } finally {
    await server.close();
    server.removeData();
  }
}

function mergeDeep(base, extra) {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && base[key] && typeof base[key] === 'object' ? mergeDeep(base[key], value) : value;
  }
  return out;
}
