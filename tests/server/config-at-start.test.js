// The server as an operator starts it (node server/main.js --config file): each mistake
// in the config or a site's knowledge base is one line on stderr naming the key and the
// fix, exit code 2, no stack trace; a good config starts and says how to log in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LISTENING_LINE, SETUP_LINE } from '../../server/command-line.js';
import { TEST_PASSWORD, consoleApi, logIn } from './helpers/console-session.js';
import { setUpFirstAdmin } from './helpers/server-child.js';

const MAIN = fileURLToPath(new URL('../../server/main.js', import.meta.url));
const KEFU = fileURLToPath(new URL('../../cli/kefu.mjs', import.meta.url));
const GOOD_KB = { faqs: [{ id: 'hours', question: '几点上班？', answer: '九点。' }] };

function withFolder(body) {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-config-start-'));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Writes the config (text as is, anything else as JSON) and runs the server on it. */
function startWith(dir, config, files = {}) {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  const configPath = join(dir, 'site.json');
  writeFileSync(configPath, typeof config === 'string' ? config : JSON.stringify({ port: 0, dataDir: join(dir, 'data'), ...config }, null, 2));
  const run = spawnSync(process.execPath, [MAIN, '--config', configPath], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, PORT: '' } });
  return { ...run, configPath };
}

function assertOneLineError(run, pattern) {
  assert.equal(run.status, 2, `exit code 2 expected; stderr: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${run.stderr}`);
  assert.match(lines[0], /^kefu: /);
  assert.match(lines[0], pattern);
}

test('an unknown key is named with the key it was probably meant to be', () => withFolder((dir) => {
  assertOneLineError(startWith(dir, { prot: 8080 }), /unknown key "prot"; did you mean "port"\?/);
  assertOneLineError(startWith(dir, { sites: { acme: { alowedOrigins: [] } } }), /unknown key "sites\.acme\.alowedOrigins"; did you mean "sites\.acme\.allowedOrigins"\?/);
}));

test('a value of the wrong type names the key, what it must be, and what it got', () => withFolder((dir) => {
  assertOneLineError(startWith(dir, { port: 'abc' }), /site\.json: port must be a whole number from 0 to 65535 \(got "abc"\)/);
  assertOneLineError(startWith(dir, { trustProxy: 'yes' }), /trustProxy must be an array of IP addresses/);
  assertOneLineError(startWith(dir, { sites: { acme: { allowedOrigins: 'https://acme.example' } } }), /sites\.acme\.allowedOrigins must be an array of origins/);
}));

test('bad business hours name the field and show the expected form', () => withFolder((dir) => {
  const hours = { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5], open: '9am', close: '18:00' };
  assertOneLineError(startWith(dir, { sites: { acme: { knowledgeBase: 'kb.json', businessHours: hours } } }, { 'kb.json': GOOD_KB }), /sites\.acme\.businessHours\.open must be a time "HH:MM" on the 24-hour clock, like "09:00".*\(got "9am"\)/);
  const reversed = { ...hours, open: '18:00', close: '09:00' };
  assertOneLineError(startWith(dir, { sites: { acme: { knowledgeBase: 'kb.json', businessHours: reversed } } }, { 'kb.json': GOOD_KB }), /sites\.acme\.businessHours\.close must be later than open \(18:00\)/);
  assertOneLineError(startWith(dir, { sites: { acme: { knowledgeBase: 'kb.json', businessHours: { ...hours, timeZone: 'Beijing' } } } }, { 'kb.json': GOOD_KB }), /businessHours\.timeZone must be an IANA time zone/);
}));

test('a missing knowledge base file, or one the core rejects, stops the start', () => withFolder((dir) => {
  assertOneLineError(startWith(dir, { sites: { acme: { knowledgeBase: 'missing.json' } } }), /sites\.acme\.knowledgeBase: no file at .*missing\.json/);
  const typo = { faqs: [{ id: 'a', question: 'q', similiar: ['p'], answer: 'x' }] };
  assertOneLineError(startWith(dir, { sites: { acme: { knowledgeBase: 'kb.json' } } }, { 'kb.json': typo }), /sites\.acme\.knowledgeBase: .*kb\.json: kb_unknown_field: faqs\[0\]\.similiar: unknown field; did you mean "similar"\?/);
}));

test('broken JSON in the config gives its line and column', () => withFolder((dir) => {
  assertOneLineError(startWith(dir, '{\n  "port": 0,\n  "logLevel": "warn",\n}\n'), /site\.json: line 4, column 1: not valid JSON/);
  assertOneLineError(startWith(dir, '{\n  "port": 0\n  "host": "127.0.0.1"\n}\n'), /site\.json: line 3, column 3: not valid JSON/);
}));

test('a port in use says so and how to pick another', () => withFolder(async (dir) => {
  const holder = createServer();
  await new Promise((resolve) => holder.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = holder.address();
    assertOneLineError(startWith(dir, { port }), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use; .*set "port" in .*site\\.json to a free one`));
  } finally {
    holder.close();
  }
}));

// Runs main.js until it says it listens; resolves to its first stderr write, and stops it.
async function firstStart(configPath, body) {
  const child = spawn(process.execPath, [MAIN, '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORT: '' } });
  try {
    let stderr = '';
    const httpUrl = await new Promise((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const found = LISTENING_LINE.exec(stderr);
        if (found) resolve(found[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    return await body(httpUrl, stderr);
  } finally {
    // The folder is removed after the server has closed its store, not while it writes.
    const exited = child.exitCode === null ? once(child, 'exit') : null;
    child.kill('SIGTERM');
    await exited;
  }
}

test('a new site with only a knowledge base starts and serves it; the first start prints a one-time link that makes the first admin, later starts do not', () => withFolder(async (dir) => {
  writeFileSync(join(dir, 'kb.json'), JSON.stringify(GOOD_KB));
  const configPath = join(dir, 'site.json');
  writeFileSync(configPath, JSON.stringify({ port: 0, dataDir: join(dir, 'data'), sites: { acme: { knowledgeBase: 'kb.json' } } }));
  await firstStart(configPath, async (httpUrl, stderr) => {
    assert.deepEqual(await (await fetch(`${httpUrl}/kb/acme.json`)).json(), GOOD_KB);
    const [, link, setupToken] = SETUP_LINE.exec(stderr);
    assert.equal(new URL(link).origin, httpUrl);
    const wrong = await consoleApi({ httpUrl }, 'setup', { body: { setupToken: 'guess', username: 'root', displayName: 'Root', password: TEST_PASSWORD } });
    assert.equal(wrong.status, 403);
    assert.ok(await setUpFirstAdmin({ httpUrl }, setupToken));
    const again = await consoleApi({ httpUrl }, 'setup', { body: { setupToken, username: 'root2', displayName: 'Root', password: TEST_PASSWORD } });
    assert.equal(again.status, 403, 'the link works once');
  });
  await firstStart(configPath, async (httpUrl, stderr) => {
    assert.equal(SETUP_LINE.exec(stderr), null, 'an account exists: no setup link');
    assert.ok(await logIn({ httpUrl }, 'admin'));
  });
}));

test('kefu admin create makes an account from the shell (password on standard input); a config with the old agentToken is refused with the way forward', () => withFolder(async (dir) => {
  const configPath = join(dir, 'site.json');
  writeFileSync(configPath, JSON.stringify({ port: 0, dataDir: join(dir, 'data') }));
  const create = (input, ...args) => spawnSync(process.execPath, [KEFU, 'admin', 'create', '--config', configPath, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  const short = create('short\n', '--username', 'boss');
  assert.equal(short.status, 1);
  assert.match(short.stderr, /password_too_short/);
  const made = create(`${TEST_PASSWORD}\n`, '--username', 'boss', '--name', '老板');
  assert.equal(made.status, 0, made.stderr);
  assert.match(made.stdout, /created admin "boss"/);
  assert.match(create(`${TEST_PASSWORD}\n`, '--username', 'BOSS').stderr, /username_taken/);
  assert.equal(create('', '--username').status, 2, 'usage');
  await firstStart(configPath, async (httpUrl, stderr) => {
    assert.equal(SETUP_LINE.exec(stderr), null);
    assert.ok(await logIn({ httpUrl }, 'boss'));
  });
  assertOneLineError(startWith(dir, { agentToken: 'old-shared-token' }), /agentToken: the shared console token is gone: .*kefu admin create/);
}));
