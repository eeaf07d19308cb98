import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { coreBuild } from './core-build.js';

const cli = fileURLToPath(new URL('../../cli/kefu.mjs', import.meta.url));
const miniDataset = fileURLToPath(new URL('../fixtures/mini-dataset.json', import.meta.url));
const EVAL_KEYS = ['hit1', 'mrr5', 'answerPrecision', 'answerCoverage', 'suggestRecall3', 'handoffRecall', 'p50us', 'p99us', 'buildMs', 'indexBytes', 'queries'];

function kefu(...args) {
  // The flag the CLI's first line passes (see cli/kefu.mjs). A hung child still fails the
  // test (status null) instead of hanging the suite.
  return spawnSync(process.execPath, ['--no-concurrent-recompilation', cli, ...args], { encoding: 'utf8', timeout: 180_000, killSignal: 'SIGKILL' });
}

test('kefu eval --json prints exactly one JSON object with every metric', () => {
  const run = kefu('eval', miniDataset, '--json', '--build', coreBuild);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const report = JSON.parse(lines[0]);
  for (const key of EVAL_KEYS) assert.ok(key in report, `missing ${key}`);
  assert.equal(report.queries, 4);
  assert.ok(report.hit1 >= 0 && report.hit1 <= 1);
  assert.ok(report.handoffRecall === 0 || report.handoffRecall === 1);
  assert.ok(report.p50us > 0 && report.p99us >= report.p50us);
});

test('kefu eval without a dataset prints usage and exits 2; a broken dataset exits 1', () => {
  assert.equal(kefu('eval').status, 2);
  assert.equal(kefu('frobnicate').status, 2);
  const broken = kefu('eval', fileURLToPath(new URL('../../package.json', import.meta.url)));
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /expected \{"faqs"/);
});

test('kefu build-index writes a binary index that loads and answers like the KB', async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { FaqEngine } = await import('../../web/core/index.js');
  const dir = mkdtempSync(`${tmpdir()}/kefu-index-`);
  try {
    const kbPath = fileURLToPath(new URL('../../shared/kb/demo.json', import.meta.url));
    const run = kefu('build-index', kbPath, '-o', `${dir}/demo.kfi`, '--build', coreBuild);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /42 FAQs/);
    const fromIndex = await FaqEngine.create(readFileSync(`${dir}/demo.kfi`), { build: coreBuild });
    const fromJson = await FaqEngine.create(readFileSync(kbPath, 'utf8'), { build: coreBuild });
    assert.deepEqual(fromIndex.match('怎么退款'), fromJson.match('怎么退款'));
    fromIndex.dispose();
    fromJson.dispose();
    assert.equal(kefu('build-index', kbPath).status, 2, 'no -o is a usage error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
