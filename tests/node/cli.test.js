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

test('kefu eval --teach reports the second half untaught and taught, for both splits', () => {
  for (const mode of ['interleaved', 'grouped']) {
    const run = kefu('eval', miniDataset, '--teach', mode, '--json', '--build', coreBuild);
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim());
    assert.equal(report.teach, mode);
    assert.equal(report.scoredQueries, 2, 'the second half of four queries');
    assert.ok(report.taughtPhrasings <= 2);
    // Taught through the core's teachAll (no reload): its phrasings and time are reported.
    assert.ok(report.taughtPhrasings + report.repeatedPhrasings >= 1);
    assert.ok(Number.isFinite(report.teachMs) && report.teachMs >= 0);
    for (const side of ['untaught', 'taught']) {
      assert.equal(report[side].queries, 2);
      assert.ok(report[side].hit1 === null || (report[side].hit1 >= 0 && report[side].hit1 <= 1));
    }
  }
  assert.equal(kefu('eval', miniDataset, '--teach', 'sideways').status, 2);
});

test('teachingSplit: grouped keeps file order, interleaved shuffles the same way every run', async () => {
  const { teachingSplit } = await import('../../cli/faq-evaluation.js');
  const queries = Array.from({ length: 40 }, (_, i) => ({ text: `q${i}`, expect: i % 5 === 0 ? null : `faq${Math.floor(i / 10)}` }));
  const grouped = teachingSplit(queries, 'grouped');
  assert.deepEqual(grouped.scored, queries.slice(20));
  assert.deepEqual(grouped.taught, queries.slice(0, 20).filter((q) => q.expect !== null).map((q) => ({ faqId: q.expect, text: q.text })));
  const interleaved = teachingSplit(queries, 'interleaved');
  assert.deepEqual(teachingSplit(queries, 'interleaved'), interleaved);
  assert.equal(interleaved.scored.length, 20);
  assert.notDeepEqual(interleaved.scored, grouped.scored);
  // Every query is either taught (if in scope) or scored, never both.
  const taughtTexts = new Set(interleaved.taught.map((item) => item.text));
  for (const query of interleaved.scored) assert.ok(!taughtTexts.has(query.text));
  const outOfScopeScored = interleaved.scored.filter((query) => query.expect === null).length;
  assert.equal(interleaved.taught.length, 20 - (8 - outOfScopeScored), 'the first half\'s in-scope queries, all of them');
});

test('kefu build-index --help explains the command and exits 0', () => {
  const run = kefu('build-index', '--help');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /kefu build-index KB\.json -o KB\.kfi/);
  assert.match(run.stdout, /stderr/);
});
