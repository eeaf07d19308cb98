// Publishing a site's knowledge base (issue 15, item 1; docs/server.md, "Knowledge
// bases"): the server trains the index in a worker thread, serves it under its content
// hash for good (brotli or gzip, ETag, CORS), names it in `welcome`, rebuilds it when the
// file changes or publish() is called, and keeps the previous version serving when a KB
// is rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { startTestServer } from './helpers/running-server.js';
import { rawGet } from './helpers/raw-get.js';
import { FaqEngine } from '../../web/core/index.js';
import { syntheticKb } from '../../bench/faq/synthetic-kb.mjs';

const demoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));
const MARS = { id: 'mars', question: '火星快递多久到', similar: ['寄到火星要几天'], answer: '火星快递需要七个月。' };
const withMars = { ...demoKb, faqs: [...demoKb.faqs, MARS] };

/** A server whose demo site reads its KB from a file of the test's own. */
async function kbServer(kb = demoKb, { dataDir } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'kefu-kb-'));
  const kbPath = join(folder, 'kb.json');
  writeFileSync(kbPath, JSON.stringify(kb));
  const server = await startTestServer({ ...(dataDir ? { dataDir } : {}), config: { sites: { demo: { knowledgeBase: kbPath } } } });
  return { server, kbPath, removeKb: () => rmSync(folder, { recursive: true, force: true }) };
}

const get = (server, path, headers = {}, method = 'GET') => rawGet(`${server.httpUrl}${path}`, headers, method);

async function currentVersion(server) {
  const pointer = await get(server, '/kb/demo.kfi');
  assert.equal(pointer.status, 302);
  return /^\/kb\/demo\/([0-9a-f]{32})\.kfi$/.exec(pointer.headers.location)[1];
}

async function welcomeOf(server) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client, { epoch: 'e' });
  return { client, welcome };
}

// What the server's own engine answered for `text` (the bot reply it stored).
async function serverAnswer(server, text) {
  const { client } = await welcomeOf(server);
  await client.request({ type: 'message', cmid: 'c-1', cseq: 1, text, clientTime: 1, bot: { tier: 'handoff' } }, 'ack');
  const { messages } = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
  await client.close();
  return messages.find((message) => message.author === 'bot')?.text ?? null;
}

test('the index is served under its content hash: immutable, brotli/gzip by Accept-Encoding, ETag and 304, CORS; unknown versions 404', async () => {
  const { server, removeKb } = await kbServer();
  try {
    const pointer = await get(server, '/kb/demo.kfi');
    assert.equal(pointer.status, 302);
    assert.equal(pointer.headers['cache-control'], 'no-cache');
    assert.equal(pointer.headers['access-control-allow-origin'], '*');
    const version = await currentVersion(server);
    const path = `/kb/demo/${version}.kfi`;

    const plain = await get(server, path, { 'accept-encoding': 'identity' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-type'], 'application/octet-stream');
    assert.equal(plain.headers['access-control-allow-origin'], '*');
    assert.equal(plain.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.equal(Number(plain.headers['content-length']), plain.body.length);
    // The bytes are an index the core loads as it is: the demo KB, untrained.
    const engine = await FaqEngine.create(new Uint8Array(plain.body));
    assert.equal(engine.stats.entries, demoKb.faqs.length);
    assert.equal(engine.match('忘记密码了怎么办').candidates[0].id, 'reset-password');
    engine.dispose();

    const br = await get(server, path, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.ok(br.body.length < plain.body.length);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);
    const gz = await get(server, path, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gz.body), plain.body);

    // One ETag per encoding; a cache that has it gets a 304 without the bytes.
    assert.ok(br.headers.etag && gz.headers.etag && plain.headers.etag);
    assert.equal(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size, 3);
    const revalidated = await get(server, path, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);
    assert.equal(revalidated.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get(server, path, { 'accept-encoding': 'br', 'if-none-match': '"something-else"' })).status, 200);

    const head = await get(server, path, { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), br.body.length);

    assert.equal((await get(server, `/kb/demo/${'0'.repeat(32)}.kfi`)).status, 404);
    assert.equal((await get(server, '/kb/demo/not-a-version.kfi')).status, 404);
    assert.equal((await get(server, `/kb/nosuchsite/${version}.kfi`)).status, 404);
    assert.equal((await get(server, '/kb/nosuchsite.kfi')).status, 404);

    // welcome names the version, so a widget holding another one knows.
    const { client, welcome } = await welcomeOf(server);
    assert.equal(welcome.kbVersion, version);
    await client.close();
  } finally {
    await server.close();
    server.removeData();
    removeKb();
  }
});

test('publish() trains a new version the server answers from; a rejected KB keeps the previous one serving', async () => {
  const { server, removeKb } = await kbServer();
  try {
    const first = await currentVersion(server);
    assert.equal(await serverAnswer(server, '火星快递多久到'), null);

    const rejected = await server.publishKnowledgeBase('demo', '{"faqs": [{"id": "x", "question": "q"}');
    assert.equal(rejected.error.code, 'kb_invalid_json');
    const unknownField = await server.publishKnowledgeBase('demo', JSON.stringify({ faqs: [{ ...MARS, similiar: [] }] }));
    assert.equal(unknownField.error.code, 'kb_unknown_field');
    assert.equal(await currentVersion(server), first);
    assert.equal((await get(server, `/kb/demo/${first}.kfi`)).status, 200);

    const published = await server.publishKnowledgeBase('demo', JSON.stringify(withMars));
    assert.match(published.version, /^[0-9a-f]{32}$/);
    assert.notEqual(published.version, first);
    assert.equal(await currentVersion(server), published.version);
    assert.equal(await serverAnswer(server, '火星快递多久到'), MARS.answer);
    // Pages opened before still fetch the version they were told about.
    assert.equal((await get(server, `/kb/demo/${first}.kfi`)).status, 200);
    const { client, welcome } = await welcomeOf(server);
    assert.equal(welcome.kbVersion, published.version);
    await client.close();

    // The same KB again is the same version: nothing new for browsers to download.
    assert.equal((await server.publishKnowledgeBase('demo', JSON.stringify(withMars))).version, published.version);
    assert.equal(published.faqs, withMars.faqs.length);
    assert.equal((await server.publishKnowledgeBase('nosuchsite', '{}')).error.code, 'unknown_site');
  } finally {
    await server.close();
    server.removeData();
    removeKb();
  }
});

test('an edited KB file is published again; a broken edit keeps the version serving; a restart reuses the kept index', async () => {
  const { server, kbPath, removeKb } = await kbServer();
  const waitForVersionOtherThan = async (target, old) => {
    for (let waited = 0; waited < 20_000; waited += 100) {
      const version = await currentVersion(target);
      if (version !== old) return version;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the edited file was not published within 20 s');
  };
  let restarted = null;
  try {
    const first = await currentVersion(server);
    writeFileSync(kbPath, '{"faqs": [');
    // Give the watcher time to see the broken file and reject it (the version stays).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await currentVersion(server), first);
    writeFileSync(kbPath, JSON.stringify(withMars));
    const second = await waitForVersionOtherThan(server, first);
    assert.equal(await serverAnswer(server, '寄到火星要几天'), MARS.answer);
    await server.close();

    // Same data folder, same file: the kept index serves at once, the same bytes.
    restarted = (await kbServer(withMars, { dataDir: server.dataDir })).server;
    assert.equal(await currentVersion(restarted), second);
    assert.equal(await serverAnswer(restarted, '寄到火星要几天'), MARS.answer);
  } finally {
    await server.close();
    await restarted?.close();
    server.removeData();
    removeKb();
  }
});

test('a big KB trains in a worker thread: a ping round trip stays fast while it builds', async () => {
  const { server, removeKb } = await kbServer();
  try {
    const { client } = await welcomeOf(server);
    const bigKb = JSON.stringify({ faqs: syntheticKb(300, 3).faqs });
    const started = performance.now();
    let buildDone = false;
    const publishing = server.publishKnowledgeBase('demo', bigKb).then((result) => {
      buildDone = true;
      return result;
    });
    const roundTrips = [];
    while (!buildDone) {
      const sent = performance.now();
      await client.request({ type: 'ping', t: roundTrips.length }, 'pong', 30_000);
      if (!buildDone) roundTrips.push(performance.now() - sent);
    }
    const buildMs = performance.now() - started;
    const result = await publishing;
    assert.match(result.version, /^[0-9a-f]{32}$/, JSON.stringify(result));
    // On the main thread the build would hold one ping for about its whole length.
    assert.ok(roundTrips.length >= 5, `only ${roundTrips.length} pings during a ${Math.round(buildMs)} ms build`);
    const slowest = Math.max(...roundTrips);
    assert.ok(slowest < buildMs / 4, `a ping took ${Math.round(slowest)} ms during a ${Math.round(buildMs)} ms build`);
    await client.close();
  } finally {
    await server.close();
    server.removeData();
    removeKb();
  }
});
