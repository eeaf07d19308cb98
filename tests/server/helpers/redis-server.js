// Starts Debian's redis-server for the tests: on 127.0.0.1 on a free port, working in a
// throw-away folder, nothing saved to disk (these servers die with the test). No
// systemd, no Docker. `restart()` stops it and starts it again on the same port, as an
// operator's restart would (the fault tests).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 10_000;


const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One PING over a raw socket: true when the server answers +PONG.
function ping(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export class RedisServer {
  #dir;
  #port;
  #child = null;
  #exited = null;

  /**
   * A running server, or an Error saying why none could start (the tests that need one
   * are skipped with that message).
   * @returns {Promise<RedisServer|Error>}
   */
  static async start() {
    if (spawnSync(REDIS_SERVER, ['--version']).status !== 0) return new Error(`redis-server is not installed (no ${REDIS_SERVER}; scripts/setup installs it)`);
    const server = new RedisServer(mkdtempSync(join(tmpdir(), 'kefu-redis-')), await freePort());
    try {
      await server.#launch();
      return server;
    } catch (error) {
      rmSync(server.#dir, { recursive: true, force: true });
      return error;
    }
  }

  constructor(dir, port) {
    this.#dir = dir;
    this.#port = port;
  }

  async #launch() {
    const child = spawn(REDIS_SERVER, ['--port', String(this.#port), '--bind', '127.0.0.1', '--dir', this.#dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk) => {
      log = (log + chunk).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(this.#port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.#halt();
        throw new Error(`redis-server did not start: ${log.trim().split('\n').at(-1) ?? ''}`);
      }
      await sleep(50);
    }
  }

  async #halt() {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  get pid() {
    return this.#child.pid;
  }

  get url() {
    return `redis://127.0.0.1:${this.#port}`;
  }

  /** Kills the server (its data is gone: nothing is saved) and starts it again on the same port. */
  async restart() {
    await this.#halt();
    await this.#launch();
  }

  async stop() {
    await this.#halt();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
