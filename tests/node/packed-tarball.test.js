// The package as a new user gets it: `npm pack` (prepack builds), the tarball installed
// into an empty folder, then the core from Node, the `kefu` command (help, build-index,
// eval, serve answering HTTP and a visitor's hello) and the type declarations, all
// through the installed copy: nothing here reads this checkout except the tarball and
// the test inputs. Dependencies come from the local npm cache when it has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { coreBuild } from './core-build.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const KB = { faqs: [{ id: 'refund', question: '怎么退款？', similar: ['我要退钱', 'How do I get a refund?'], answer: '在订单页申请。' }, { id: 'hours', question: '客服几点上班？', answer: '九点到六点。' }] };

function run(command, args, cwd, timeout = 180_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, killSignal: 'SIGKILL', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function serveAndHello(app) {
  writeFileSync(join(app, 'site.json'), JSON.stringify({ port: 0, dataDir: 'data', logLevel: 'warn', sites: { acme: { knowledgeBase: 'kb.json', allowedOrigins: ['https://www.acme.example'] } } }));
  const server = spawn('npx', ['kefu', 'serve', '--config', 'site.json'], { cwd: app, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  try {
    let stderr = '';
    const httpUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s: ${stderr}`)), 60_000);
      server.stderr.on('data', (chunk) => {
        stderr += chunk;
        const found = /Kefu server on (http:\/\/\S+)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]);
        }
      });
      server.once('exit', (code) => reject(new Error(`kefu serve exited ${code}: ${stderr}`)));
    });
    assert.match(stderr, /Console setup \(one-time link\): http:\/\/\S+\/console\/#setup=[\w-]+/);
    const kb = await fetch(`${httpUrl}/kb/acme.json`);
    assert.equal(kb.status, 200);
    assert.deepEqual(await kb.json(), KB);
    const loader = await fetch(`${httpUrl}/kefu/kefu-loader.js`);
    assert.equal(loader.status, 200, 'the shipped loader is served from the installed package');
    const socket = new WebSocket(`${httpUrl.replace('http', 'ws')}/ws`, { origin: 'https://www.acme.example' });
    const welcome = await new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'acme', visitorId: 'v-packed', epoch: 'e-packed', sessionToken: null, lastSeq: 0, locale: 'zh-CN' })));
      socket.once('message', (data) => resolve(JSON.parse(String(data))));
    });
    socket.close();
    assert.equal(welcome.type, 'welcome', JSON.stringify(welcome));
  } finally {
    // npx runs kefu as its child: stop the whole group.
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

test('the packed tarball, installed in an empty folder, runs the core, the kefu command, the server and the types', { skip: coreBuild !== 'release' && 'checked in the release pass', timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-packed-'));
  try {
    // prepack's build output shares stdout with npm's, so the name is worked out, not parsed.
    run('npm', ['pack', '--pack-destination', dir], repo, 600_000);
    const { name, version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    const filename = `${name}-${version}.tgz`;
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kefu-packed-check', private: true, type: 'module' }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, filename)], app);
    writeFileSync(join(app, 'kb.json'), JSON.stringify(KB));

    // The core in Node, by the package's own name.
    const matched = run(process.execPath, ['--input-type=module', '-e', `
      import { FaqEngine } from 'kefu/core';
      const engine = await FaqEngine.create(${JSON.stringify(JSON.stringify(KB))});
      const { tier, candidates } = engine.match('我想退钱');
      console.log(JSON.stringify({ tier, id: candidates[0]?.id }));
      engine.dispose();`], app);
    assert.equal(JSON.parse(matched).id, 'refund');

    // The command, through the bin link npm made.
    assert.match(run('npx', ['kefu', '--help'], app), /kefu serve \[--config site\.json\]/);
    assert.match(run('npx', ['kefu', '--version'], app).trim(), /^\d+\.\d+\.\d+/);
    assert.match(run('npx', ['kefu', 'build-index', 'kb.json', '-o', 'kb.kfi'], app), /kb\.kfi: 2 FAQs/);
    assert.ok(existsSync(join(app, 'kb.kfi')));
    cpSync(join(repo, 'tests/fixtures/mini-dataset.json'), join(app, 'dataset.json'));
    assert.equal(JSON.parse(run('npx', ['kefu', 'eval', 'dataset.json', '--json'], app)).queries, 4);

    await serveAndHello(app);

    // The declarations, against the installed package under both resolution modes.
    cpSync(join(repo, 'tests/types'), join(app, 'types'), { recursive: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    for (const config of ['tsconfig.json', 'tsconfig.bundler.json']) run(process.execPath, [tsc, '-p', join(app, 'types', config)], app);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
