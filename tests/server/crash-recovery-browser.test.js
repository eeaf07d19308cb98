// `kill -9` of the server process while the widget on the demo website has messages
// in flight, restart on the same port and data: the widget reconnects and resends, and
// the conversation holds each question once, in the order typed, each followed by the
// bot answer recorded for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, watchPage } from '../browser/chromium.js';
import { spawnServerProcess } from '../../server/server-process.js';
import { SETUP_LINE } from '../../server/command-line.js';
import { setUpFirstAdmin } from './helpers/server-child.js';
import { logIn, openAgentSocket } from './helpers/console-session.js';
import { freePort } from './helpers/free-port.js';

const QUESTIONS = ['忘记密码了怎么办', '如何申请退款', '会员多少钱', '怎么开发票', '笔记不同步怎么办', '如何导出笔记'];


test('kill -9 with the widget mid-conversation, restart: every question stored once, in order, with its bot answer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-crash-browser-'));
  const port = await freePort();
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ port, dataDir: join(dir, 'db'), logLevel: 'error', sites: { demo: { businessHours: null } } }));
  const browser = await launchChromium();
  let server = spawnServerProcess(configPath);
  try {
    await server.ready;
    const origin = `http://127.0.0.1:${port}`;
    // The first admin, made through the setup link before the crash, must still log in after it.
    await setUpFirstAdmin({ httpUrl: origin }, SETUP_LINE.exec(server.output())[2]);
    const page = await browser.newPage();
    const problems = await watchPage(page);
    // The conversation id, as the server's welcome tells the widget.
    const conversationIds = new Set();
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string' && payload.startsWith('{"type":"welcome"')) conversationIds.add(JSON.parse(payload).conversationId);
    }));
    await page.goto(`${origin}/`);
    await page.click('kefu-chat >> button.launcher');
    await page.waitForSelector('kefu-chat >> .panel');
    await page.fill('kefu-chat >> textarea', QUESTIONS[0]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]');

    // The server is frozen (SIGSTOP) while the rest are typed, so they are sent but
    // certainly not acked when it dies: messages in flight, every time.
    server.child.kill('SIGSTOP');
    for (const question of QUESTIONS.slice(1)) {
      await page.fill('kefu-chat >> textarea', question);
      await page.keyboard.press('Enter');
    }
    const atKill = await page.evaluate(() => [...document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery]')].map((item) => item.dataset.delivery));
    assert.deepEqual(atKill.slice(1).filter((state) => state === 'delivered' || state === 'read'), [], 'nothing after the first was acked before the kill');
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));
    server = spawnServerProcess(configPath);
    await server.ready;

    await page.waitForFunction((count) => {
      const items = document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery]');
      return items.length === count && [...items].every((item) => ['delivered', 'read'].includes(item.dataset.delivery));
    }, QUESTIONS.length, { timeout: 20_000 });

    assert.equal(SETUP_LINE.exec(server.output()), null, 'no setup link: the admin survived the kill');
    const agent = await openAgentSocket({ agentUrl: `ws://127.0.0.1:${port}/agent`, httpUrl: origin }, await logIn({ httpUrl: origin }, 'admin'));
    await agent.request({ type: 'login' }, 'ready');
    assert.equal(conversationIds.size, 1, 'the widget resumed the same conversation after the restart');
    const [conversationId] = conversationIds;
    const history = await agent.request({ type: 'history', conversationId }, 'history');
    const visitorTexts = history.messages.filter((m) => m.author === 'visitor').map((m) => m.text);
    assert.deepEqual(visitorTexts, QUESTIONS, 'each question once, in the order typed');
    history.messages.forEach((message, i) => {
      assert.equal(message.seq, i + 1, 'seqs gap-free');
      if (message.author === 'bot') assert.equal(history.messages[i - 1].author, 'visitor', 'a bot answer follows its question');
    });
    assert.equal(history.messages.filter((m) => m.author === 'bot').length, QUESTIONS.length, 'one recorded answer per question');
    await agent.close();
    assert.deepEqual(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|net::/.test(p)), []);
  } finally {
    server.child.kill('SIGTERM');
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

