#!/usr/bin/env node
// npm run bench:sockets [-- --hostile N] [--flooders F]
//
// Issue #21's exhaustion target: N hostile idle connections from one address (127.0.0.1),
// a third each of raw TCP that sends nothing, /ws upgrades that never say hello and
// /agent upgrades that never log in, against the server as a child process with its
// default limits. Then a new visitor from another address (127.0.0.2) opens a chat: the
// time from opening its socket to `welcome` must stay under 1 s. The hostile sockets are
// spread over F flooder processes so each stays under its file-descriptor limit.
// Prints one JSON line; exits 1 if the server died or a welcome took 1 s or more.
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { spawnServerProcess } from '../../server/server-process.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const WELCOME_TARGET_MS = 1000;
const SAMPLES = 5;
const BATCH = 500; // connections started per tick

// ---- a flooder process: opens its share and holds what the server keeps ---------------
if (process.argv.includes('--flood')) {
  const count = Number(option('flood', 0));
  const port = Number(option('port', 0));
  const upgrade = (path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`;
  let settled = 0; // attempts that connected or failed
  const sockets = [];
  for (let i = 0; i < count; i += 1) {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
    sockets.push(socket);
    let done = false;
    const settle = () => {
      if (!done) settled += 1;
      done = true;
    };
    socket.on('error', () => {});
    socket.resume(); // read (and drop) what comes, so the server's close is seen
    socket.once('close', settle);
    socket.once('connect', () => {
      settle();
      if (i % 3 === 1) socket.write(upgrade('/ws'));
      if (i % 3 === 2) socket.write(upgrade('/agent'));
    });
    if (i % BATCH === BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  // Settled: every attempt connected or failed.
  for (const deadline = Date.now() + 30_000; settled < count && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
  process.send({ attempted: count });
  process.on('message', () => process.exit(0)); // hold the sockets until told
} else {
  await main();
}

async function welcomeMs(wsUrl, origin) {
  const started = performance.now();
  const socket = new WebSocket(wsUrl, { origin, localAddress: '127.0.0.2' });
  try {
    await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: `v-bench-${started}`, epoch: 'e', sessionToken: null, lastSeq: 0 })));
      socket.on('message', (data) => {
        if (JSON.parse(data.toString()).type === 'welcome') resolve();
      });
    });
    return performance.now() - started;
  } finally {
    socket.terminate();
  }
}

async function main() {
  const hostile = Number(option('hostile', 20_000));
  const flooders = Number(option('flooders', 2));
  const dir = mkdtempSync(join(tmpdir(), 'kefu-sockets-'));
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ port: 0, dataDir: join(dir, 'db'), durability: 'committed', logLevel: 'error' }));
  const { child: server, ready } = spawnServerProcess(configPath);
  let serverExit = null;
  server.once('exit', (code, signal) => { serverExit = code ?? signal; });
  const httpUrl = await ready;
  const port = Number(new URL(httpUrl).port);
  const wsUrl = `ws://127.0.0.1:${port}/ws`;

  const baseline = await welcomeMs(wsUrl, httpUrl);
  const serverFdsBefore = readdirSync(`/proc/${server.pid}/fd`).length;
  const started = performance.now();
  const children = Array.from({ length: flooders }, (_, i) => fork(new URL(import.meta.url).pathname, ['--flood', String(Math.floor(hostile / flooders) + (i < hostile % flooders ? 1 : 0)), '--port', String(port)]));
  // One visitor opens a chat while the flood is still arriving.
  const during = welcomeMs(wsUrl, httpUrl).catch(() => Infinity);
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  const floodMs = performance.now() - started;
  // What the server holds is what counts: a connection left in a full accept queue looks
  // open to the client but costs the server nothing (Linux: file descriptors).
  const serverFds = readdirSync(`/proc/${server.pid}/fd`).length;
  const samples = [];
  for (let i = 0; i < SAMPLES; i += 1) samples.push(await welcomeMs(wsUrl, httpUrl).catch(() => Infinity));
  const result = {
    hostile,
    serverFdsBefore,
    serverFdsAfterFlood: serverFds,
    floodMs: Math.round(floodMs),
    baselineWelcomeMs: Math.round(baseline),
    welcomeDuringFloodMs: Math.round(await during),
    welcomeMs: Math.round(Math.max(...samples)),
    welcomeSamplesMs: samples.map(Math.round),
    serverAlive: serverExit === null,
  };
  for (const child of children) child.send('done');
  server.kill('SIGTERM');
  await new Promise((resolve) => (serverExit === null ? server.once('exit', resolve) : resolve()));
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(result.serverAlive && result.welcomeMs < WELCOME_TARGET_MS && result.welcomeDuringFloodMs < WELCOME_TARGET_MS ? 0 : 1);
}
