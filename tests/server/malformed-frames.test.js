// Malformed WebSocket frames on both sockets, before and after the greeting, sent over a
// bare TCP socket as a hostile client (or any web page: see tests/browser/foreign-page.test.js)
// can: each closes that one connection with the close code RFC 6455 gives it (as `ws`
// sends them; docs/server.md), and the server process lives on and still serves visitors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { RawWebSocket, encodeFrame, textFrame, OPCODE } from './helpers/raw-websocket.js';
import { startServerChild } from './helpers/server-child.js';

const closeFrame = (code) => {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return encodeFrame({ opcode: OPCODE.close, payload });
};

// Close codes: 1002 protocol error, 1007 invalid data, 1009 message too big.
const MALFORMED_FRAMES = [
  { kind: 'invalid UTF-8 in a text frame', bytes: () => encodeFrame({ payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) }), code: 1007 },
  { kind: 'an unmasked client frame', bytes: () => encodeFrame({ payload: '{"type":"ping","t":1}', masked: false }), code: 1002 },
  { kind: 'a reserved opcode (3)', bytes: () => encodeFrame({ opcode: 3, payload: 'x' }), code: 1002 },
  { kind: 'RSV1 set with no extension negotiated', bytes: () => encodeFrame({ rsv: 4, payload: '{"type":"ping","t":1}' }), code: 1002 },
  { kind: 'a header announcing 300 KB (over the 256 KiB payload limit)', bytes: () => encodeFrame({ payload: 'x'.repeat(1000), length: 300 * 1024 }), code: 1009 },
  { kind: 'a whole 300 KB text frame', bytes: () => textFrame('x'.repeat(300 * 1024)), code: 1009 },
  { kind: 'a close frame with an invalid code (999)', bytes: () => closeFrame(999), code: 1002 },
  { kind: 'a close frame whose reason is invalid UTF-8', bytes: () => encodeFrame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe8, 0xc3, 0x28]) }), code: 1007 },
  { kind: 'a ping over 125 bytes (control frame too long)', bytes: () => encodeFrame({ opcode: OPCODE.ping, payload: Buffer.alloc(200) }), code: 1002 },
  { kind: 'a fragmented ping', bytes: () => encodeFrame({ opcode: OPCODE.ping, payload: 'x', fin: false }), code: 1002 },
  { kind: 'a continuation frame with no message started', bytes: () => encodeFrame({ opcode: OPCODE.continuation, payload: 'x' }), code: 1002 },
  { kind: 'a new text frame inside a fragmented message', bytes: () => Buffer.concat([encodeFrame({ payload: '{"type":', fin: false }), encodeFrame({ payload: '"ping"}' })]), code: 1002 },
];

const SOCKETS = [
  {
    path: '/ws',
    greeting: 'hello',
    greet: async (socket) => {
      socket.write(textFrame({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v-raw', epoch: 'e-raw', sessionToken: null, lastSeq: 0 }));
      await socket.next('welcome');
    },
  },
  {
    path: '/agent',
    greeting: 'login',
    greet: async (socket) => {
      socket.write(textFrame({ type: 'login' }));
      await socket.next('ready');
    },
  },
];

/** The process is up and a well-formed visitor still gets welcome. */
async function assertServing(server) {
  assert.equal(server.exitStatus(), null, 'the server process exited');
  const visitor = new WebSocket(`${server.httpUrl.replace('http', 'ws')}/ws`, { origin: server.origin });
  try {
    const welcome = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome within 2 s')), 2000);
      visitor.once('error', reject);
      visitor.once('open', () => visitor.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v-check', epoch: 'e-check', sessionToken: null, lastSeq: 0 })));
      visitor.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.type === 'welcome') {
          clearTimeout(timer);
          resolve(frame);
        }
      });
    });
    assert.match(welcome.sessionToken, /^st-/);
  } finally {
    visitor.terminate();
  }
}

// One server per socket (a process takes a second to start); each kind is its own subtest,
// so on a tree where the first kind kills the process every later one fails too.
for (const { path, greeting, greet } of SOCKETS) {
  test(`${path}: every malformed frame kind, before and after ${greeting}, closes that connection with its code; the server lives on`, async (t) => {
    const server = await startServerChild();
    try {
      for (const { kind, bytes, code } of MALFORMED_FRAMES) {
        await t.test(`${kind}: close ${code}`, async () => {
          for (const greeted of [false, true]) {
            const cookie = path === '/agent' ? await server.adminCookie() : undefined;
            const socket = await RawWebSocket.open({ port: server.port, path, origin: server.origin, cookie });
            if (greeted) await greet(socket);
            socket.write(bytes());
            assert.equal(await socket.closedWithin(5000), code, `${greeted ? 'after' : 'before'} ${greeting}`);
            await assertServing(server);
          }
        });
      }
    } finally {
      await server.stop();
    }
  });
}

test('a client that resets the connection while the server answers (an upgrade to an unknown path, a file) does not end the process', async () => {
  const server = await startServerChild();
  const upgrade = (path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  try {
    // The reset must land while the server writes its answer; a few rounds make that sure.
    for (let i = 0; i < 30; i += 1) {
      for (const head of [upgrade('/nowhere'), 'GET /kb/demo.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n']) {
        const socket = connect({ host: '127.0.0.1', port: server.port });
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
        socket.on('error', () => {});
        socket.write(head);
        socket.resetAndDestroy();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await assertServing(server);
  } finally {
    await server.stop();
  }
});

test('a request or upgrade whose target is not a URL gets an error answer, not a dead process', async () => {
  const server = await startServerChild();
  try {
    for (const head of ['GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n', `GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`]) {
      const socket = connect({ host: '127.0.0.1', port: server.port });
      socket.on('error', () => {});
      let answer = '';
      socket.on('data', (chunk) => { answer += chunk; });
      socket.write(head);
      await new Promise((resolve) => socket.once('close', resolve));
      assert.match(answer, /^HTTP\/1\.1 (400|404)/, JSON.stringify(head.split('\r\n')[0]));
    }
    await assertServing(server);
  } finally {
    await server.stop();
  }
});
