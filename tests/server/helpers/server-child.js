// The server as its own process (`node server/main.js`), so a test can tell "the server
// closed this socket" from "the server died": the child's exit is observable, an
// in-process crash would take the test runner with it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServerProcess } from '../../../server/server-process.js';
import { SETUP_LINE } from '../../../server/command-line.js';
import { consoleApi, sessionCookieOf, TEST_PASSWORD } from './console-session.js';

/**
 * Follows the one-time setup link the server printed: the first admin, logged in.
 * @returns {Promise<string>} the session cookie
 */
export async function setUpFirstAdmin(server, setupToken) {
  const response = await consoleApi(server, 'setup', { body: { setupToken, username: 'admin', displayName: 'Admin', password: TEST_PASSWORD } });
  if (response.status !== 200) throw new Error(`setup refused: ${response.status} ${await response.text()}`);
  return sessionCookieOf(response);
}

/** @returns {Promise<{child, httpUrl: string, port: number, origin: string, adminCookie: () => Promise<string>, exitStatus: () => (number|string|null), stop: () => Promise<void>}>} */
export async function startServerChild(config = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-child-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({
    port: 0, dataDir: join(dir, 'db'), durability: 'committed', logLevel: 'error',
    ...config,
    sites: { demo: { businessHours: null, offlineWhenNoAgent: false }, ...config.sites },
  }));
  const { child, ready, output } = spawnServerProcess(configPath);
  let exitCode = null;
  child.once('exit', (code, signal) => { exitCode = code ?? signal; });
  const httpUrl = await ready;
  const setupToken = SETUP_LINE.exec(output())?.[2];
  let adminCookie = null;
  return {
    child,
    httpUrl,
    /** The first admin's session cookie (created through the setup link on first use). */
    adminCookie() {
      adminCookie ??= setUpFirstAdmin({ httpUrl }, setupToken);
      return adminCookie;
    },
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
