// A KB's per-locale answer texts published beside its index (issue 16; docs/knowledge-base.md,
// "Answers in several languages"): /kb/<site>/<version>.<locale>.json holds the texts of
// one locale by FAQ id, immutable and compressed like the .kfi; the version covers them,
// so a changed translation is a new URL; the site's profile names the locales; a restart
// serves the kept files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestServer } from './helpers/running-server.js';
import { rawGet } from './helpers/raw-get.js';

const demoKb = JSON.parse(readFileSync(new URL('../../shared/kb/demo.json', import.meta.url), 'utf8'));

const get = (server, path, headers = {}) => rawGet(`${server.httpUrl}${path}`, headers);

async function currentVersion(server) {
  return /^\/kb\/demo\/([0-9a-f]{32})\.kfi$/.exec((await get(server, '/kb/demo.kfi')).headers.location)[1];
}

async function kbServer(kb, options = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'kefu-kb-locale-'));
  const kbPath = join(folder, 'kb.json');
  writeFileSync(kbPath, JSON.stringify(kb));
  const server = await startTestServer({ ...options, config: { sites: { demo: { knowledgeBase: kbPath } } } });
  return { server, kbPath, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

// What the KB itself says each locale's texts are.
const textsOf = (kb, locale) => Object.fromEntries(kb.faqs.filter((faq) => typeof faq.answer === 'object' && faq.answer[locale]).map((faq) => [faq.id, faq.answer[locale]]));

test('each locale of a bilingual KB is served beside its index: immutable, compressed, only the entries with a text of their own', async () => {
  const { server, remove } = await kbServer(demoKb);
  try {
    const version = await currentVersion(server);
    const plain = await get(server, `/kb/demo/${version}.zh-TW.json`, { 'accept-encoding': 'identity' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(plain.headers['content-type'], /^application\/json/);
    assert.equal(plain.headers['access-control-allow-origin'], '*');
    const zhTw = JSON.parse(plain.body).answers;
    assert.deepEqual(zhTw, textsOf(demoKb, 'zh-TW'));
    assert.ok(Object.keys(zhTw).length > 0 && Object.keys(zhTw).length < demoKb.faqs.length);
    const en = await get(server, `/kb/demo/${version}.en.json`, { 'accept-encoding': 'br' });
    assert.equal(en.headers['content-encoding'], 'br');
    assert.deepEqual(JSON.parse(brotliDecompressSync(en.body)).answers, textsOf(demoKb, 'en'));
    const gz = await get(server, `/kb/demo/${version}.en.json`, { 'accept-encoding': 'gzip' });
    assert.deepEqual(JSON.parse(gunzipSync(gz.body)).answers, textsOf(demoKb, 'en'));
    assert.notEqual(en.headers.etag, plain.headers.etag);

    // No texts of its own, or no such version: nothing to fetch.
    assert.equal((await get(server, `/kb/demo/${version}.zh-CN.json`)).status, 404);
    assert.equal((await get(server, `/kb/demo/${'0'.repeat(32)}.en.json`)).status, 404);

    const profile = JSON.parse((await get(server, '/site/demo.json', { 'accept-encoding': 'identity' })).body);
    assert.deepEqual(profile.answerLocales, ['en', 'zh-TW']);
    assert.equal(profile.localizedAnswers, true);
  } finally {
    await server.close();
    remove();
  }
});

test('a changed translation is a new version (the index bytes alone are the same); a restart serves the kept texts', async () => {
  const { server, kbPath, remove } = await kbServer(demoKb);
  let restarted = null;
  try {
    const first = await currentVersion(server);
    const edited = structuredClone(demoKb);
    edited.faqs.find((faq) => faq.id === 'refund').answer['zh-TW'] = '退款請聯絡客服。';
    writeFileSync(kbPath, JSON.stringify(edited));
    let second = first;
    for (let tries = 0; tries < 100 && second === first; tries += 1) {
      await new Promise((done) => setTimeout(done, 50));
      second = await currentVersion(server);
    }
    assert.notEqual(second, first);
    const texts = JSON.parse((await get(server, `/kb/demo/${second}.zh-TW.json`)).body).answers;
    assert.equal(texts.refund, '退款請聯絡客服。');
    // The index bytes did not change: the same .kfi under both versions.
    assert.deepEqual((await get(server, `/kb/demo/${second}.kfi`)).body, (await get(server, `/kb/demo/${first}.kfi`)).body);
    await server.close();

    restarted = (await kbServer(edited, { dataDir: server.dataDir })).server;
    assert.equal(await currentVersion(restarted), second);
    assert.equal(JSON.parse((await get(restarted, `/kb/demo/${second}.zh-TW.json`)).body).answers.refund, '退款請聯絡客服。');
  } finally {
    await server.close();
    await restarted?.close();
    remove();
  }
});

test('a KB with one text per answer publishes no locale files and keeps its index-only version', async () => {
  const plainKb = { ...demoKb, faqs: demoKb.faqs.map((faq) => ({ ...faq, answer: typeof faq.answer === 'object' ? faq.answer.default : faq.answer })) };
  const { server, remove } = await kbServer(plainKb);
  try {
    const version = await currentVersion(server);
    const index = (await get(server, `/kb/demo/${version}.kfi`, { 'accept-encoding': 'identity' })).body;
    const { createHash } = await import('node:crypto');
    assert.equal(version, createHash('sha256').update(index).digest('hex').slice(0, 32));
    assert.equal((await get(server, `/kb/demo/${version}.en.json`)).status, 404);
    const profile = JSON.parse((await get(server, '/site/demo.json', { 'accept-encoding': 'identity' })).body);
    assert.deepEqual(profile.answerLocales, []);
    assert.equal(profile.localizedAnswers, false);
  } finally {
    await server.close();
    remove();
  }
});
