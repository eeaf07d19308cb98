// Issue #21, as any web page can do it with the browser's own WebSocket. A page on a
// foreign origin gets no usable socket (the origin is checked at the upgrade). A page the
// site allows (a partner embedding the widget) and the server's own origin (the console's)
// do, and abuse them: a 300 KB message, a 1 MB binary one, a pile of idle sockets, a burst
// of junk frames. Each oversized message closes its own socket (1009); the server (its own
// process) lives on, and a visitor still chats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.js';
import { startServerChild } from '../server/helpers/server-child.js';

const FOREIGN_PAGE = 'http://foreign.example/attack.html';
const PARTNER_PAGE = 'http://partner.example/embed.html';
let server;
let browser;

before(async () => {
  server = await startServerChild({ sites: { demo: { businessHours: null, offlineWhenNoAgent: false, allowedOrigins: ['http://partner.example'] } } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

// `cookie`: a console session (`name=value`) the page's browser holds, as a logged-in agent's does.
async function pageAt(url, { cookie } = {}) {
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split(/=(.*)/s);
    await context.addCookies([{ name, value, url: new URL(url).origin, httpOnly: true, sameSite: 'Strict' }]);
  }
  const page = await context.newPage();
  await page.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>page</title>' }));
  await page.goto(url);
  return { page, context };
}

// In the page: opens `url`, sends `payload` once open; resolves to {opened, code, frames}
// when the socket closes (or after 5 s, code null).
const ATTEMPT = `window.attempt = (url, payload) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  let opened = false;
  const frames = [];
  const timer = setTimeout(() => resolve({ opened, code: null, frames }), 5000);
  socket.onopen = () => { opened = true; if (payload !== undefined) socket.send(payload); };
  socket.onmessage = (event) => frames.push(JSON.parse(event.data));
  socket.onclose = (event) => { clearTimeout(timer); resolve({ opened, code: event.code, frames }); };
});`;

async function abusePage(url, options) {
  const opened = await pageAt(url, options);
  await opened.page.evaluate(ATTEMPT);
  return opened;
}

test('a foreign page gets no usable socket on either endpoint', async () => {
  const { page, context } = await abusePage(FOREIGN_PAGE);
  const base = `ws://127.0.0.1:${server.port}`;
  const outcome = await page.evaluate(async (base) => ({
    visitor: await window.attempt(`${base}/ws`),
    agent: await window.attempt(`${base}/agent`),
  }), base);
  // /ws: one frame saying why, then close 1008; /agent: the handshake is refused.
  assert.deepEqual([outcome.visitor.code, outcome.visitor.frames.map((f) => f.code)], [1008, ['origin_not_allowed']]);
  assert.deepEqual([outcome.agent.opened, outcome.agent.code], [false, 1006]);
  await context.close();
  assert.equal(server.exitStatus(), null);
});

test('oversized messages, binary blobs, idle sockets and junk from pages that may connect close only their own sockets; a visitor still chats', async () => {
  const base = `ws://127.0.0.1:${server.port}`;
  const big = 300 * 1024;
  const partner = await abusePage(PARTNER_PAGE);
  const fromPartner = await partner.page.evaluate(async ({ base, big }) => {
    const results = {
      visitorBig: await window.attempt(`${base}/ws`, 'x'.repeat(big)),
      visitorBinary: await window.attempt(`${base}/ws`, new Uint8Array(1024 * 1024)),
    };
    // A pile of sockets that never say hello, and a burst of junk on one more.
    const idle = Array.from({ length: 100 }, () => new WebSocket(`${base}/ws`));
    const junk = new WebSocket(`${base}/ws`);
    results.junkAnswers = await new Promise((resolve) => {
      let answers = 0;
      junk.onopen = () => {
        for (let i = 0; i < 2000; i += 1) junk.send(i % 2 ? '{"type":' : '{"type":"message","cmid":{}}');
      };
      junk.onmessage = () => {
        answers += 1;
        if (answers === 2000) resolve(answers);
      };
      setTimeout(() => resolve(answers), 10_000);
    });
    for (const socket of [...idle, junk]) socket.close();
    return results;
  }, { base, big });
  assert.deepEqual([fromPartner.visitorBig.opened, fromPartner.visitorBig.code], [true, 1009], 'a 300 KB message');
  assert.deepEqual([fromPartner.visitorBinary.opened, fromPartner.visitorBinary.code], [true, 1009], 'a 1 MB binary message');
  assert.equal(fromPartner.junkAnswers, 2000, 'every junk frame is answered with an error, in order, on a socket that stays up');
  await partner.context.close();

  // The console's own origin may open /agent with an agent's session: a page there (say,
  // through an XSS, in a logged-in agent's browser) sends 300 KB.
  const own = await abusePage(`${server.httpUrl}/abuse.html`, { cookie: await server.adminCookie() });
  const agentBig = await own.page.evaluate(({ base, big }) => window.attempt(`${base}/agent`, 'x'.repeat(big)), { base, big });
  assert.deepEqual([agentBig.opened, agentBig.code], [true, 1009], 'a 300 KB message to /agent');
  await own.context.close();

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
