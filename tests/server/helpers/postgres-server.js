// Starts Debian's PostgreSQL for the tests: a throw-away cluster (initdb) in a temp
// folder, listening on 127.0.0.1 on a free port, no systemd, no Docker. initdb and
// postgres refuse to run as root, so as root they run as the `postgres` user (which
// owns the folder). fsync is off: these databases die with the test. `restart()` stops
// and starts it again on the same port and data, as an operator would (fault tests).
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

const PG_ROOT = '/usr/lib/postgresql';
const START_TIMEOUT_MS = 30_000;
const SUPERUSER = 'kefu_test';

// The newest installed server's bin folder, or null.
function serverBinaries() {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT).filter((name) => existsSync(join(PG_ROOT, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(PG_ROOT, versions[0], 'bin') : null;
}


const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class PostgresServer {
  #run;
  #process;
  #dir;
  #port;
  #exited;

  /**
   * A running server, or an Error saying why none could start (the tests that need one
   * are skipped with that message).
   * @returns {Promise<PostgresServer|Error>}
   */
  static async start() {
    const bin = serverBinaries();
    if (!bin) return new Error(`PostgreSQL is not installed (no ${PG_ROOT}/<version>/bin/postgres; scripts/setup installs it)`);
    const asRoot = userInfo().uid === 0;
    const run = (command, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args]);
    const dir = mkdtempSync(join(tmpdir(), 'kefu-postgres-'));
    try {
      if (asRoot) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres']).stdout), Number(spawnSync('id', ['-g', 'postgres']).stdout));
      const [initdb, initdbArgs] = run('initdb', ['-D', join(dir, 'data'), '-U', SUPERUSER, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);
      const init = spawnSync(initdb, initdbArgs, { encoding: 'utf8' });
      if (init.status !== 0) throw new Error(`initdb failed: ${(init.stderr || init.error?.message || '').trim().split('\n').at(-1)}`);
      const server = new PostgresServer(run, dir, await freePort());
      await server.#launch();
      return server;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      return error;
    }
  }

  constructor(run, dir, port) {
    this.#run = run;
    this.#dir = dir;
    this.#port = port;
  }

  async #launch() {
    const [postgres, postgresArgs] = this.#run('postgres', ['-D', join(this.#dir, 'data'), '-c', 'listen_addresses=127.0.0.1', '-p', String(this.#port), '-k', this.#dir, '-c', 'fsync=off']);
    const child = spawn(postgres, postgresArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk) => {
      log = (log + chunk).slice(-4000);
    });
    this.#process = child;
    this.#exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await this.query('SELECT 1');
        return;
      } catch (error) {
        if (child.exitCode !== null || Date.now() > deadline) {
          await this.#halt();
          throw new Error(`postgres did not start: ${log.trim().split('\n').at(-1) || error.message}`);
        }
        await sleep(100);
      }
    }
  }

  // Fast shutdown: SIGINT to the postmaster.
  async #halt() {
    if (this.#process.exitCode === null) {
      // runuser does not pass signals on: the postmaster's pid is the first line of its pid file.
      let pid = this.#process.pid;
      try {
        pid = Number(readFileSync(join(this.#dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      } catch {
        // not written yet: the direct child is all there is to stop
      }
      process.kill(pid, 'SIGINT');
    }
    await this.#exited;
  }

  /** The postmaster's process id (its backends are its children). */
  get pid() {
    return Number(readFileSync(join(this.#dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Stops the server and starts it again on the same port and data (an operator's restart). */
  async restart() {
    await this.#halt();
    await this.#launch();
  }

  url(database = 'postgres') {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.#port}/${database}`;
  }

  async query(text) {
    const client = new pg.Client({ connectionString: this.url() });
    client.on('error', () => {});
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** A new, empty database; returns its URL. */
  async createDatabase() {
    const name = `kefu_${Math.random().toString(36).slice(2, 10)}`;
    await this.query(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  /** Fast shutdown, then the folder is removed. */
  async stop() {
    await this.#halt();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
