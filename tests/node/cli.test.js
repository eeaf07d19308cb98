import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { coreBuild } from './core-build.js';

const cli = fileURLToPath(new URL('../../cli/kefu.mjs', import.meta.url));
const miniDataset = fileURLToPath(new URL('../fixtures/mini-dataset.json', import.meta.url));
const EVAL_KEYS = ['hit1', 'mrr5', 'answerPrecision', 'answerCoverage', 'suggestRecall3', 'handoffRecall', 'p50us', 'p99us', 'buildMs', 'indexBytes', 'queries'];

function kefu(...args) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
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
