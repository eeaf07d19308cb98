// The deployment of docs/deploy.md, run for real: Debian's nginx terminates TLS (a
// self-signed certificate made here with openssl) in front of the server, with the
// nginx site taken from the doc itself, and Chromium chats through https and wss. nginx
// connects to the server from 127.0.0.2 while the browser and the test's own sockets
// come from 127.0.0.1 and 127.0.0.3, so the per-IP limits show which address the server
// believed: the visitor's, through trustProxy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { launchChromium, watchPage } from './chromium.js';
import { conversation, startTestServer, widgetOnline } from './kefu-server.js';
import { createAccount, logIn } from '../server/helpers/console-session.js';
import { REPO_ROOT } from '../../server/http/site-routes.js';
import { freePort } from '../server/helpers/free-port.js';

// Where the doc's nginx site has its own addresses, and what the test puts there.
const NGINX_PROXY_ADDRESS = '127.0.0.2';

let dir;
let nginx = null;
let nginxPort;
let chat;
let browser;
let skipReason = null;


/** The first ```nginx block of docs/deploy.md with its placeholders replaced, inside an http{} of our own. */
export function nginxConfig({ dir: root, listenPort, upstreamPort }) {
  const doc = readFileSync(join(REPO_ROOT, 'docs/deploy.md'), 'utf8');
  let site = /```nginx\n([\s\S]*?)```/.exec(doc)[1];
  const replace = (from, to) => {
    assert.ok(site.includes(from), `docs/deploy.md's nginx site no longer has "${from}"`);
    site = site.replace(from, to);
  };
  replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstreamPort};`);
  replace('listen 443 ssl http2;', `listen 127.0.0.1:${listenPort} ssl http2;`);
  replace('    listen [::]:443 ssl http2;\n', '');
  replace('/etc/letsencrypt/live/chat.example.com/fullchain.pem', join(root, 'cert.pem'));
  replace('/etc/letsencrypt/live/chat.example.com/privkey.pem', join(root, 'key.pem'));
  replace('    gzip off;\n', `    gzip off;\n    proxy_bind ${NGINX_PROXY_ADDRESS};\n`);
  return `daemon off;
worker_processes 1;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${root}/access.log;
  client_body_temp_path ${root}/client_body;
  proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi;
  uwsgi_temp_path ${root}/uwsgi;
  scgi_temp_path ${root}/scgi;
${site}
}
`;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

async function startNginx() {
  if (spawnSync('nginx', ['-v']).error) return 'nginx is not installed (scripts/setup installs Debian\'s nginx)';
  dir = mkdtempSync(join(tmpdir(), 'kefu-nginx-'));
  chmodSync(dir, 0o755); // nginx's workers (user nobody when run as root) write their temp files here
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (cert.status !== 0) return `openssl could not make a certificate: ${cert.error?.message ?? cert.stderr.trim()}`;
  nginxPort = await freePort();
  chat = await startTestServer({
    config: { trustProxy: [NGINX_PROXY_ADDRESS], limits: { helloBurst: 1, helloPerMinute: 1 } },
    site: { allowedOrigins: [`https://127.0.0.1:${nginxPort}`] },
  });
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ dir, listenPort: nginxPort, upstreamPort: new URL(chat.httpUrl).port }));
  let exited = null;
  nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nginx.stderr.on('data', (chunk) => (stderr += chunk));
  nginx.once('exit', (code) => (exited = code));
  nginx.once('error', (error) => (exited = error.message));
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (exited !== null) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {}
      nginx = null;
      return `nginx could not start (exit ${exited}): ${(stderr + log).trim().split('\n').slice(-3).join(' | ')}`;
    }
    if (await portOpen(nginxPort)) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 'nginx did not listen within 10 s';
}

before(async () => {
  skipReason = await startNginx();
  if (!skipReason) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (nginx) {
    const stopped = new Promise((resolve) => nginx.once('exit', resolve));
    nginx.kill('SIGTERM');
    await stopped;
  }
  await chat?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function hello(localAddress) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`wss://127.0.0.1:${nginxPort}/ws`, { origin: `https://127.0.0.1:${nginxPort}`, rejectUnauthorized: false, localAddress });
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: `v-${localAddress}`, epoch: 'e', sessionToken: null, lastSeq: 0 })));
    socket.once('message', (data) => {
      const frame = JSON.parse(String(data));
      socket.close();
      resolve(frame.type === 'error' ? frame.code : frame.type);
    });
  });
}

function agentUpgrade(origin, cookie) {
  return new Promise((resolve) => {
    const socket = new WebSocket(`wss://127.0.0.1:${nginxPort}/agent`, { origin, headers: { cookie }, rejectUnauthorized: false });
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode));
    socket.once('error', (error) => resolve(error.message));
  });
}

test('behind nginx with TLS: the widget chats over https and wss, files arrive brotli and cached, and the per-IP limits see the visitor\'s address', async (t) => {
  if (skipReason) {
    t.skip(`skipped: ${skipReason}`);
    return;
  }
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const problems = await watchPage(page);
  const widget = page.waitForResponse((response) => /\/kefu\/v\/[0-9a-f]+\/kefu-widget\.js$/.test(response.url()));
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await page.goto(`https://127.0.0.1:${nginxPort}/en/`);
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.fill('kefu-chat >> textarea', 'How do I export my notes?');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached', timeout: 10_000 });
  await page.waitForSelector('kefu-chat >> .messages li.bot', { timeout: 10_000 });
  assert.match((await conversation(page))[1][1], /export/i);
  assert.deepEqual(sockets, [`wss://127.0.0.1:${nginxPort}/ws`]);
  const headers = (await widget).headers();
  assert.equal(headers['content-encoding'], 'br');
  assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.deepEqual(problems, []);

  // helloBurst is 1 per address. The browser (127.0.0.1) has used its one; a visitor
  // from 127.0.0.3 has its own, though every socket reaches the server from nginx.
  assert.equal(await hello('127.0.0.3'), 'welcome');
  assert.equal(await hello('127.0.0.1'), 'rate_limited');

  // The console's socket, with an agent's session: its own public origin passes (nginx
  // hands on Host with the port), any other page's is refused.
  const cookie = await logIn(chat, (await createAccount(chat)).username);
  assert.equal(await agentUpgrade(`https://127.0.0.1:${nginxPort}`, cookie), 'open');
  assert.equal(await agentUpgrade('https://elsewhere.example', cookie), 403);
  await context.close();
});
