#!/usr/bin/env node
// node tests/fuzz/server-frames.fuzz.mjs --seconds N [--seed S] [--executions M]
//
// A seeded fuzzer for the server's frame handling. It starts `server/main.js` as a child
// process and, over both sockets (/ws and /agent), before and after the greeting, sends:
//  - JSON-level inputs: protocol frames from shared/protocol/fixtures.json and the seed
//    corpus tests/fuzz/corpus/server-frames/ (one frame per file), mutated (values
//    swapped for edge values, keys dropped or added, types renamed, bytes flipped,
//    truncated, spliced), as text frames, binary frames or fragmented messages;
//  - WebSocket-level inputs: malformed wire frames (reserved opcodes and bits, unmasked,
//    oversized or absurd lengths, broken UTF-8, bad close codes, broken fragmentation,
//    oversized or fragmented control frames, truncated frames, resets).
// After every batch a sentinel (ping / ratings request) must be answered or the
// connection closed; every 500 executions and at the end a well-formed visitor from
// another address must get `welcome`. A process exit or an unanswered visitor is a
// crash: the last inputs are written to test-results/fuzz/server-frames/ and the server
// restarted. Prints one JSON line {target, executions, seconds, crashes, seed}; exits 1
// when there was a crash.
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { RawWebSocket, encodeFrame, OPCODE } from '../server/helpers/raw-websocket.js';
import { startServerChild } from '../server/helpers/server-child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = 'server-frames';
const CHECK_EVERY = 500; // executions between two "does a visitor still get welcome" checks
const SENTINEL_TIMEOUT_MS = 10_000;
const REPLAY_TAIL = 64; // inputs kept for a crash report

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}
const seconds = Number(option('seconds', 10));
// --executions M: run at least M executions even past --seconds, so a bounded run (the
// test in npm test) checks the same amount of input on a slow or busy machine.
const minExecutions = Number(option('executions', 0));
const seed = Number(option('seed', Date.now() % 2 ** 31));

// mulberry32: small, seedable, good enough to pick mutations.
function rng(state) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(seed);
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];
const chance = (p) => random() < p;

// ---- seeds ---------------------------------------------------------------------------
const fixtures = JSON.parse(readFileSync(join(ROOT, 'shared/protocol/fixtures.json'), 'utf8'));
const corpusDir = join(ROOT, 'tests/fuzz/corpus/server-frames');
const seeds = [
  ...fixtures.valid.filter((f) => f.direction === 'toServer').map((f) => JSON.stringify(f.frame)),
  ...fixtures.invalid.filter((f) => f.direction === 'toServer').map((f) => f.text),
  ...readdirSync(corpusDir).filter((name) => name.endsWith('.json')).sort().map((name) => readFileSync(join(corpusDir, name), 'utf8')),
];
const FRAME_TYPES = ['hello', 'message', 'handoff', 'read', 'typing', 'rate', 'ticket', 'prechat', 'resync', 'ping', 'login', 'accept', 'end', 'transfer_to_bot', 'transfer', 'status', 'history', 'tickets', 'ticket_status', 'ratings', 'hot_questions', 'ack', 'welcome', 'error', '', '__proto__', 'constructor', 'toString'];
// Ids the server handed out, so mutated frames can name things that exist.
const seen = { conversationId: ['conv-1'], sessionToken: ['st-x'], ticketId: ['T'] };
const edgeValue = () => pick([
  () => null, () => true, () => false, () => 0, () => -1, () => 1.5, () => 2 ** 53, () => -(2 ** 63), () => 1e308, () => -0,
  () => '', () => ' ', () => '\u0000', () => '\ud800', () => '\u202e', () => '💩'.repeat(int(3000)), () => 'x'.repeat(int(70_000)),
  () => '__proto__', () => 'constructor', () => pick(FRAME_TYPES), () => pick(seen.conversationId), () => pick(seen.sessionToken), () => pick(seen.ticketId),
  () => ({}), () => [], () => Array.from({ length: int(2000) }, () => int(10)), () => JSON.parse('['.repeat(40) + ']'.repeat(40)),
  () => ({ __proto__: null, toString: 1 }), () => Object.fromEntries(Array.from({ length: int(500) }, (_, i) => [`k${i}`, 'v'])),
])();

function mutateValue(value, depth = 0) {
  if (depth > 4 || value === null || typeof value !== 'object') return edgeValue();
  const keys = Object.keys(value);
  const copy = Array.isArray(value) ? [...value] : { ...value };
  const roll = int(5);
  if (roll === 0 && keys.length) delete copy[pick(keys)];
  else if (roll === 1) copy[pick(['__proto__', 'constructor', 'type', 'v', 'requestId', `x${int(9)}`])] = edgeValue();
  else if (roll === 2 && keys.length) copy[pick(keys)] = mutateValue(copy[pick(keys)], depth + 1);
  else if (keys.length) copy[pick(keys)] = edgeValue();
  else copy.type = pick(FRAME_TYPES);
  return copy;
}

function mutateText(text) {
  const bytes = Buffer.from(text);
  switch (int(5)) {
    case 0: { // flip a few bytes
      for (let i = 0, n = 1 + int(4); i < n && bytes.length; i += 1) bytes[int(bytes.length)] ^= 1 << int(8);
      return bytes;
    }
    case 1: return bytes.subarray(0, int(bytes.length + 1)); // truncate
    case 2: { // splice with another seed
      const other = Buffer.from(pick(seeds));
      return Buffer.concat([bytes.subarray(0, int(bytes.length + 1)), other.subarray(int(other.length + 1))]);
    }
    case 3: { // a duplicated key or a repeated slice
      const at = int(bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(pick([',"type":"hello"', ',"__proto__":{"type":"login"}', '{'.repeat(int(200)), '"\\ud800"', '\\u0000'])), bytes.subarray(at)]);
    }
    default: return Buffer.from(String.fromCharCode(...Array.from({ length: int(64) }, () => int(0x3000))));
  }
}

/** A JSON-level input: a mutated seed as payload bytes. */
function jsonInput() {
  const base = pick(seeds);
  if (chance(0.6)) {
    try {
      let frame = JSON.parse(base);
      for (let i = 0, n = 1 + int(3); i < n; i += 1) frame = mutateValue(frame);
      if (chance(0.2) && frame && typeof frame === 'object') frame.type = pick(FRAME_TYPES);
      return Buffer.from(JSON.stringify(frame));
    } catch {
      return mutateText(base);
    }
  }
  return chance(0.2) ? Buffer.from(base) : mutateText(base);
}

/** Wire bytes for a payload: one text frame mostly; binary or fragmented sometimes. */
function wrap(payload) {
  if (chance(0.8)) return encodeFrame({ payload });
  if (chance(0.5)) return encodeFrame({ opcode: OPCODE.binary, payload });
  const cut = int(payload.length + 1);
  return Buffer.concat([encodeFrame({ payload: payload.subarray(0, cut), fin: false }), encodeFrame({ opcode: OPCODE.continuation, payload: payload.subarray(cut) })]);
}

const randomBytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));
const closePayload = (code, reason = Buffer.alloc(0)) => {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, reason]);
};

/** A WebSocket-level input: malformed wire bytes; `last` when nothing may follow it. */
function wireInput() {
  const json = jsonInput();
  switch (int(14)) {
    case 0: return { bytes: encodeFrame({ opcode: pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: json }) };
    case 1: return { bytes: encodeFrame({ rsv: 1 + int(7), payload: json }) };
    case 2: return { bytes: encodeFrame({ payload: json, masked: false }) };
    case 3: return { bytes: encodeFrame({ payload: json.subarray(0, 100), length: 256 * 1024 + 1 + int(2 ** 30) }), last: true };
    case 4: return { bytes: encodeFrame({ payload: json.subarray(0, 100), length: 2 ** 53 + int(1000) }), last: true };
    case 5: return { bytes: encodeFrame({ payload: Buffer.concat([json.subarray(0, 8), randomBytes(1 + int(8)), Buffer.from([0xc0 | int(32)])]) }) };
    case 6: return { bytes: encodeFrame({ opcode: OPCODE.ping, payload: randomBytes(126 + int(200)) }) };
    case 7: return { bytes: encodeFrame({ opcode: pick([OPCODE.ping, OPCODE.pong, OPCODE.close]), payload: randomBytes(int(20)), fin: false }) };
    case 8: return { bytes: encodeFrame({ opcode: OPCODE.continuation, payload: json }) };
    case 9: return { bytes: Buffer.concat([encodeFrame({ payload: json, fin: false }), encodeFrame({ payload: json })]) };
    case 10: return { bytes: encodeFrame({ opcode: OPCODE.close, payload: closePayload(pick([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, 1000, 1001, 3000]), chance(0.5) ? randomBytes(int(40)) : Buffer.alloc(0)) }), last: true };
    case 11: return { bytes: encodeFrame({ opcode: OPCODE.close, payload: randomBytes(1) }), last: true };
    case 12: { // a valid fragmented message over the payload limit
      const piece = Buffer.alloc(100 * 1024, 0x61);
      return { bytes: Buffer.concat([encodeFrame({ payload: piece, fin: false }), encodeFrame({ opcode: OPCODE.continuation, payload: piece, fin: false }), encodeFrame({ opcode: OPCODE.continuation, payload: piece })]) };
    }
    default: { // a truncated frame, or plain garbage, then the client goes away
      const whole = encodeFrame({ payload: json });
      return { bytes: chance(0.5) ? whole.subarray(0, 1 + int(whole.length - 1)) : randomBytes(1 + int(64)), last: true };
    }
  }
}

// ---- the run -------------------------------------------------------------------------
const serverConfig = {
  // Limits raised so the frames reach the handlers instead of the rate limiter.
  limits: { visitorBurst: 1e6, visitorPerMinute: 1e9, ipBurst: 1e6, ipPerMinute: 1e9, helloBurst: 1e6, helloPerMinute: 1e9, prechatBurst: 1e6, prechatPerMinute: 1e9 },
};
let server = await startServerChild(serverConfig);
let executions = 0;
let crashes = 0;
let nextCheck = CHECK_EVERY;
const recent = []; // [{path, bytes (base64)}]
const started = Date.now();
const deadline = started + seconds * 1000;

function running() {
  return Date.now() < deadline || executions < minExecutions;
}

function remember(path, bytes) {
  recent.push({ path, bytes: bytes.toString('base64') });
  if (recent.length > REPLAY_TAIL) recent.shift();
}

function learn(frames) {
  for (const frame of frames) {
    if (frame?.conversationId) seen.conversationId.push(frame.conversationId);
    if (frame?.sessionToken) seen.sessionToken.push(frame.sessionToken);
    if (frame?.ticketId) seen.ticketId.push(frame.ticketId);
    for (const c of frame?.conversations ?? []) seen.conversationId.push(c.conversationId);
  }
  for (const list of Object.values(seen)) if (list.length > 200) list.splice(0, list.length - 200);
}

/** Does a well-formed visitor from another address get welcome within 2 s? */
async function visitorWelcomed() {
  const socket = new WebSocket(`${server.httpUrl.replace('http', 'ws')}/ws`, { origin: server.origin, localAddress: '127.0.0.2' });
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 2000);
      socket.once('error', () => resolve(false));
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v-check', epoch: 'e-check', sessionToken: null, lastSeq: 0 })));
      socket.on('message', (data) => {
        if (JSON.parse(data.toString()).type === 'welcome') {
          clearTimeout(timer);
          resolve(true);
        }
      });
    });
  } finally {
    socket.terminate();
  }
}

async function checkServer(reason) {
  if (server.exitStatus() === null && await visitorWelcomed()) return;
  crashes += 1;
  const dir = join(ROOT, 'test-results/fuzz', TARGET);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `crash-seed${seed}-${crashes}.json`);
  writeFileSync(file, JSON.stringify({ seed, executions, reason, exit: server.exitStatus(), recentInputs: recent }, null, 1));
  process.stderr.write(`crash ${crashes} (${reason}; exit ${server.exitStatus()}): last inputs in ${file}\n`);
  await server.stop();
  server = await startServerChild(serverConfig);
}

// One connection's life: open, maybe garbage first, greet, then batches of inputs each
// followed by a sentinel, until the server closes it or a final input ends it.
async function connectionRound() {
  const path = chance(0.6) ? '/ws' : '/agent';
  let socket;
  try {
    // The console's socket opens on a session cookie: mostly the admin's, sometimes a forged one.
    const cookie = path === '/agent' ? (chance(0.9) ? await server.adminCookie() : 'kefu_console=forged') : undefined;
    socket = await RawWebSocket.open({ port: server.port, path, origin: chance(0.9) ? server.origin : 'http://evil.example', cookie });
  } catch {
    // Refused: a limit (fine), or the server is down.
    if (server.exitStatus() !== null) await checkServer('connection refused');
    return;
  }
  const send = (bytes) => {
    remember(path, bytes);
    socket.write(bytes);
    executions += 1;
  };
  const answered = async (match) => {
    // Answered, or closed by the server; still open without an answer: the server stalls.
    const reply = await Promise.race([socket.next(match, SENTINEL_TIMEOUT_MS).then(() => true, () => false), socket.closed.then(() => true)]);
    return reply || socket.ended || socket.closeCode !== null;
  };
  try {
    if (chance(0.3)) send(wrap(jsonInput()));
    const greeting = path === '/ws'
      ? { type: 'hello', v: 1, siteId: 'demo', visitorId: `v-${int(1e9)}`, epoch: `e-${int(1e9)}`, sessionToken: chance(0.2) ? pick(seen.sessionToken) : null, lastSeq: 0 }
      : { type: 'login' };
    socket.write(encodeFrame({ payload: JSON.stringify(greeting) }));
    if (!(await answered((f) => ['welcome', 'ready', 'error'].includes(f.type)))) return checkServer(`no answer to ${greeting.type}`);
    for (let batch = 0; batch < 20 && running() && socket.closeCode === null; batch += 1) {
      for (let i = 0, n = 1 + int(16); i < n; i += 1) {
        const input = chance(0.85) ? { bytes: wrap(jsonInput()) } : wireInput();
        send(input.bytes);
        if (input.last) {
          if (chance(0.5)) socket.destroy();
          await Promise.race([socket.closed, new Promise((resolve) => setTimeout(resolve, 20))]);
          return;
        }
      }
      const marker = int(1e9);
      socket.write(encodeFrame({ payload: JSON.stringify(path === '/ws' ? { type: 'ping', t: marker } : { type: 'ratings', requestId: marker }) }));
      if (!(await answered((f) => f.t === marker || f.requestId === marker))) return checkServer('a sentinel was not answered');
      learn(socket.drain());
    }
  } finally {
    socket.destroy();
    if (executions >= nextCheck) {
      nextCheck = executions + CHECK_EVERY;
      await checkServer('periodic check');
    }
  }
}

while (running()) await connectionRound();
await checkServer('final check');
await server.stop();
process.stdout.write(`${JSON.stringify({ target: TARGET, executions, seconds: Math.round((Date.now() - started) / 100) / 10, crashes, seed })}\n`);
process.exit(crashes === 0 ? 0 : 1);
