// The server as its own process (`node server/main.js`), so a test can tell "the server
// closed this socket" from "the server died": the child's exit is observable, an
// in-process crash would take the test runner with it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServerProcess } from '../../../server/server-process.js';

export const AGENT_TOKEN = 'test-agent-token';

/** @returns {Promise<{child, httpUrl: string, port: number, origin: string, exitStatus: () => (number|string|null), stop: () => Promise<void>}>} */
export async function startServerChild(config = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-child-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({
    port: 0, dataDir: join(dir, 'db'), durability: 'committed', logLevel: 'error', agentToken: AGENT_TOKEN,
    ...config,
    sites: { demo: { businessHours: null, offlineWhenNoAgent: false }, ...config.sites },
  }));
  const { child, ready } = spawnServerProcess(configPath);
  let exitCode = null;
  child.once('exit', (code, signal) => { exitCode = code ?? signal; });
  const httpUrl = await ready;
  return {
    child,
    httpUrl,
    port: Number(new URL(httpUrl).port),
    origin: httpUrl,
    /** The exit code or signal once the process ended, else null. */
    exitStatus: () => exitCode,
    async stop() {
      if (exitCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
