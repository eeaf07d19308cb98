// Issue #21, as any web page can do it: a page on a foreign origin uses the browser's
// own WebSocket against the server (a 300 KB message on both sockets, a 1 MB binary
// one, a pile of sockets that never log in, a burst of junk frames). The server (its
// own process) lives on, and a visitor on an allowed page still chats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.js';
import { startServerChild } from '../server/helpers/server-child.js';

const FOREIGN_PAGE = 'http://foreign.example/attack.html';
let server;
let browser;

before(async () => {
  server = await startServerChild();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function pageAt(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>page</title>' }));
  await page.goto(url);
  return { page, context };
}

test('a foreign page\'s oversized messages, binary blobs, idle sockets and junk close only its own sockets; a visitor still chats', async () => {
  const { page, context } = await pageAt(FOREIGN_PAGE);
  assert.equal(await page.evaluate(() => location.origin), 'http://foreign.example');
  const base = `ws://127.0.0.1:${server.port}`;
  const outcome = await page.evaluate(async (base) => {
    // Resolves to {opened, code} when the socket closes (or after 5 s, code null).
    const attempt = (path, payload) => new Promise((resolve) => {
      const socket = new WebSocket(base + path);
      let opened = false;
      const timer = setTimeout(() => resolve({ opened, code: null }), 5000);
      socket.onopen = () => {
        opened = true;
        socket.send(payload);
      };
      socket.onclose = (event) => {
        clearTimeout(timer);
        resolve({ opened, code: event.code });
      };
    });
    const big = 'x'.repeat(300 * 1024);
    const results = {
      visitorBig: await attempt('/ws', big),
      agentBig: await attempt('/agent', big),
      visitorBinary: await attempt('/ws', new Uint8Array(1024 * 1024)),
    };
    // A pile of sockets that never log in, and a burst of junk on one more.
    const idle = Array.from({ length: 100 }, () => new WebSocket(`${base}/agent`));
    const junk = new WebSocket(`${base}/agent`);
    results.junkAnswers = await new Promise((resolve) => {
      let answers = 0;
      junk.onopen = () => {
        for (let i = 0; i < 2000; i += 1) junk.send(i % 2 ? '{"type":' : '{"type":"accept","conversationId":{}}');
      };
      junk.onmessage = () => {
        answers += 1;
        if (answers === 2000) resolve(answers);
      };
      setTimeout(() => resolve(answers), 10_000);
    });
    for (const socket of [...idle, junk]) socket.close();
    return results;
  }, base);
  // Each oversized message closed its socket with 1009 (message too big), or the socket
  // was refused at the handshake (an origin check at upgrade) and never carried it.
  for (const [name, result] of Object.entries({ visitorBig: outcome.visitorBig, agentBig: outcome.agentBig, visitorBinary: outcome.visitorBinary })) {
    if (result.opened) assert.equal(result.code, 1009, name);
    else assert.equal(result.code, 1006, name);
  }
  assert.equal(outcome.junkAnswers, 2000, 'every junk frame is answered with an error, in order, on a socket that stays up');
  await context.close();

  assert.equal(server.exitStatus(), null, 'the server process exited');
  const visitor = await pageAt(`${server.httpUrl}/legit.html`);
  const chat = await visitor.page.evaluate(async (url) => {
    const socket = new WebSocket(url);
    const frames = [];
    const next = (type) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type}`)), 5000);
      const look = () => {
        const index = frames.findIndex((f) => f.type === type);
        if (index < 0) return setTimeout(look, 10);
        clearTimeout(timer);
        resolve(frames.splice(index, 1)[0]);
      };
      look();
    });
    socket.onmessage = (event) => frames.push(JSON.parse(event.data));
    await new Promise((resolve) => { socket.onopen = resolve; });
    socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: 'v-legit', epoch: 'e-legit', sessionToken: null, lastSeq: 0 }));
    const welcome = await next('welcome');
    socket.send(JSON.stringify({ type: 'message', cmid: 'c-legit-1', cseq: 1, text: '还在吗？', clientTime: Date.now() }));
    const ack = await next('ack');
    socket.close();
    return { welcome: welcome.type, seq: ack.seq };
  }, `ws://127.0.0.1:${server.port}/ws`);
  assert.deepEqual(chat, { welcome: 'welcome', seq: 1 });
  await visitor.context.close();
  assert.equal(server.exitStatus(), null);
});
