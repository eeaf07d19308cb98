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

const MAIN = fileURLToPath(new URL('../../server/main.js', import.meta.url));
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

test('a new site with only a knowledge base starts, serves it, and the first start says how to log in to the console', () => withFolder(async (dir) => {
  writeFileSync(join(dir, 'kb.json'), JSON.stringify(GOOD_KB));
  const configPath = join(dir, 'site.json');
  writeFileSync(configPath, JSON.stringify({ port: 0, dataDir: join(dir, 'data'), sites: { acme: { knowledgeBase: 'kb.json' } } }));
  const child = spawn(process.execPath, [MAIN, '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PORT: '' } });
  try {
    let stderr = '';
    const login = await new Promise((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const found = /Agent console login: (http:\/\/\S+\/console\/#token=([\w-]+))/.exec(stderr);
        if (found) resolve({ url: found[1], token: found[2] });
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const origin = new URL(login.url).origin;
    assert.deepEqual(await (await fetch(`${origin}/kb/acme.json`)).json(), GOOD_KB);
    assert.match(login.token, /^[\w-]{16}$/);
  } finally {
    // The folder is removed after the server has closed its store, not while it writes.
    const exited = child.exitCode === null ? once(child, 'exit') : null;
    child.kill('SIGTERM');
    await exited;
  }
}));
