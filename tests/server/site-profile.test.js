// The widget's home screen data (/site/<id>.json, issue 16): the site's words and look
// from the config, suggested questions (featured, else most answered), and whether a
// person can answer now — closed and "nobody online" told apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { withTestServer } from './helpers/running-server.js';
import { openConsole } from './helpers/console-session.js';
import { ConfigError, readConfig } from '../../server/config.js';

const profile = async (server, siteId = 'demo', query = '') => {
  const response = await fetch(`${server.httpUrl}/site/${siteId}.json${query}`, { headers: { origin: 'https://shop.example.com' } });
  return { status: response.status, headers: response.headers, body: response.status === 200 ? await response.json() : null };
};

test('the site\'s texts and look from the config; public, cached a minute; an unknown site is 404', async () => {
  const site = { texts: { en: { greeting: '<b>Hi</b>', brandName: 'ACME' } }, logo: '/brand/logo.png', accent: '#07c160', position: 'left' };
  await withTestServer({ config: { sites: { demo: site } } }, async (server) => {
    const { status, headers, body } = await profile(server);
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'public, max-age=60');
    assert.equal(headers.get('access-control-allow-origin'), '*');
    assert.deepEqual({ texts: body.texts, logo: body.logo, avatars: body.avatars, accent: body.accent, position: body.position }, { ...site, avatars: [] });
    assert.equal((await profile(server, 'nope')).status, 404);
  });
});

test('availability: no_agent within hours, closed outside them (hours worded in the locale), open with an ETA once an agent is in', async () => {
  await withTestServer({ config: { sites: { demo: { offlineWhenNoAgent: true } } } }, async (server) => {
    assert.deepEqual((await profile(server)).body.availability, { state: 'no_agent' });
    const { client: agent } = await openConsole(server, { name: '小李' });
    const open = (await profile(server)).body.availability;
    assert.equal(open.state, 'open');
    assert.ok(open.etaSeconds > 0, JSON.stringify(open));
    await agent.close();
  });
  const never = { businessHours: { timeZone: 'Asia/Shanghai', days: [], open: '09:00', close: '18:00' } };
  await withTestServer({ config: { sites: { demo: never } } }, async (server) => {
    const { state, hours } = (await profile(server, 'demo', '?locale=zh-CN')).body.availability;
    assert.equal(state, 'closed');
    assert.match(hours, /09:00–18:00 \(Asia\/Shanghai\)/);
  });
});

test('suggested questions: the KB\'s featured ones; without any, the ones the bot answered most; never more than configured', async () => {
  await withTestServer({ config: { sites: { demo: { suggestedQuestions: 2 } } } }, async (server) => {
    assert.deepEqual((await profile(server)).body.suggestions, [
      { id: 'reset-password', question: '怎么重置密码？' },
      { id: 'refund', question: '如何申请退款？' },
    ]);
  });
  const folder = mkdtempSync(join(tmpdir(), 'kefu-kb-'));
  const kbPath = join(folder, 'kb.json');
  writeFileSync(kbPath, JSON.stringify({ faqs: [
    { id: 'ship', question: '多久发货？', answer: '下单后 24 小时内发货。' },
    { id: 'return', question: '怎么退货？', answer: { default: '七天内可退货。', en: 'Returns within seven days.' } },
  ] }));
  await withTestServer({ config: { sites: { demo: { knowledgeBase: kbPath } } } }, async (server) => {
    assert.deepEqual((await profile(server)).body.suggestions, [], 'nothing featured, nothing asked yet');
    const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
    await helloVisitor(client, { locale: 'en' });
    let cseq = 0;
    for (const text of ['怎么退货', '怎么退货呢', '多久发货']) {
      cseq += 1;
      await client.request({ type: 'message', cmid: `c-${cseq}`, cseq, text, clientTime: cseq, bot: { tier: 'answer' } }, 'ack');
    }
    // The English visitor's stored bot reply is the entry's English text.
    const reply = await client.next((frame) => frame.type === 'msg' && frame.author === 'bot');
    assert.equal(reply.text, 'Returns within seven days.');
    assert.deepEqual((await profile(server)).body.suggestions, [
      { id: 'return', question: '怎么退货？' },
      { id: 'ship', question: '多久发货？' },
    ]);
    await client.close();
  });
});

test('hello.attributes are stored on the conversation and reach the console summary', async () => {
  await withTestServer({}, async (server) => {
    const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
    const welcome = await helloVisitor(client, { attributes: { plan: 'pro', seats: '12' } });
    await client.request({ type: 'handoff', reason: 'visitor' }, (frame) => frame.type === 'event' && frame.event === 'queued');
    const { client: agent, ready } = await openConsole(server, { name: '小李', role: 'admin' });
    const summary = ready.conversations.find((c) => c.conversationId === welcome.conversationId);
    assert.deepEqual(summary.attributes, { plan: 'pro', seats: '12' });
    await client.close();
    await agent.close();
  });
});

test('the config checks the widget rows and names the fix', () => {
  const site = (demo) => readConfig(undefined, { sites: { demo } });
  assert.throws(() => site({ position: 'top' }), (error) => error instanceof ConfigError && /sites\.demo\.position must be "right" or "left"/.test(error.message));
  assert.throws(() => site({ logo: 'javascript:alert(1)' }), /sites\.demo\.logo must be an http\(s\) URL/);
  assert.throws(() => site({ texts: { fr: { greeting: 'Salut' } } }), /sites\.demo\.texts must be an object of locale/);
  assert.throws(() => site({ texts: { en: { welcome: 'Hi' } } }), /brandName, greeting, placeholder, offline/);
  assert.throws(() => site({ accent: 'red;}' }), /CSS hex colour/);
  assert.throws(() => site({ suggestedQuestions: 6 }), /from 0 to 5/);
});
