// Knowledge-base mistakes as people make them, through the core's JS API and through
// `kefu build-index` / `kefu eval`: the error names the field and the fix, syntax errors
// give the line and column, and the command prints one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaqEngine, KefuError } from '../../web/core/index.js';
import { coreBuild } from './core-build.js';

const cli = fileURLToPath(new URL('../../cli/kefu.mjs', import.meta.url));
const entry = (fields) => ({ id: 'refund', question: '怎么退款？', answer: '在订单页申请。', ...fields });

async function loadError(kb) {
  try {
    (await FaqEngine.create(kb, { build: coreBuild })).dispose();
  } catch (error) {
    assert.ok(error instanceof KefuError, String(error));
    return error;
  }
  assert.fail('the KB loaded');
}

function kefu(...args) {
  return spawnSync(process.execPath, ['--no-concurrent-recompilation', cli, ...args], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
}

test('a misspelt field is an error naming it and the field it was meant to be', async () => {
  const similiar = await loadError({ faqs: [entry({ similiar: ['我要退钱'] })] });
  assert.equal(similiar.code, 'kb_unknown_field');
  assert.equal(similiar.message, 'faqs[0].similiar: unknown field; did you mean "similar"?');
  assert.equal((await loadError({ faqs: [entry({ keyword: ['退款'] })] })).message, 'faqs[0].keyword: unknown field; did you mean "keywords"?');
  assert.equal((await loadError({ faqs: [entry()], synonym: [['退款', '退钱']] })).message, 'synonym: unknown field; did you mean "synonyms"?');
});

test('an empty KB is rejected, and broken JSON gives its line and column', async () => {
  assert.equal((await loadError({ faqs: [] })).code, 'kb_empty');
  const trailingComma = await loadError('{\n  "faqs": [\n    {"id": "a", "question": "问", "answer": "答"},\n  ]\n}');
  assert.equal(trailingComma.code, 'kb_invalid_json');
  assert.match(trailingComma.message, /^line 4, column 3: syntax error while parsing value - unexpected ']'/);
});

test('kefu build-index says what is wrong with a KB file in one line, exit code 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-kb-'));
  try {
    const write = (name, content) => {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
      return join(dir, name);
    };
    const cases = [
      [write('typo.json', { faqs: [entry({ similiar: ['我要退钱'] })] }), /^kefu build-index: .*typo\.json: kb_unknown_field: faqs\[0\]\.similiar: unknown field; did you mean "similar"\?$/],
      [write('empty.json', { faqs: [] }), /^kefu build-index: .*empty\.json: kb_empty: /],
      [write('comma.json', '{"faqs": [\n  {"id": "a", "question": "问", "answer": "答"},\n]}'), /^kefu build-index: .*comma\.json: kb_invalid_json: line 3, column 1: /],
      [join(dir, 'missing.json'), /^kefu build-index: .*missing\.json: no such knowledge base file$/],
    ];
    for (const [path, pattern] of cases) {
      const run = kefu('build-index', path, '-o', join(dir, 'out.kfi'), '--build', coreBuild);
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr.trim(), pattern);
    }
    const dataset = write('dataset.json', { faqs: [entry({ keyword: ['退款'] })], queries: [{ text: '退款', expect: 'refund' }] });
    assert.match(kefu('eval', dataset, '--build', coreBuild).stderr, /^kefu eval: .*dataset\.json: kb_unknown_field: faqs\[0\]\.keyword: unknown field; did you mean "keywords"\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kefu --help and kefu <command> --help print usage and exit 0; --version prints the version', () => {
  const help = kefu('--help');
  assert.equal(help.status, 0);
  for (const command of ['build-index', 'eval', 'serve']) assert.match(help.stdout, new RegExp(`kefu ${command} `));
  for (const command of ['build-index', 'eval', 'serve']) {
    const commandHelp = kefu(command, '--help');
    assert.equal(commandHelp.status, 0, commandHelp.stderr);
    assert.match(commandHelp.stdout, new RegExp(`^usage: kefu ${command} `));
  }
  assert.match(kefu('serve', '--help').stdout, /sites\.<id>\.allowedOrigins = \[\]/);
  const version = kefu('--version');
  assert.equal(version.status, 0);
  assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+$/);
});
