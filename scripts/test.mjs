#!/usr/bin/env node
// `npm test`: every suite in order, one summary, non-zero exit on any failure.
//   1 build (native with ASan+UBSan, wasm release + debug + wasm test binary, JS bundles)
//   2 native Catch2   3 wasm Catch2 under Node
//   4 node:test against the release core   5 the same against the debug core
//   6 reference-server tests   7 browser tests in headless Chromium
//   8 every fuzz target for a few seconds from its committed seeds (scripts/fuzz.mjs)
// KEFU_TEST_ONLY=native,wasm,node,server,browser,fuzz runs a subset (the build always runs).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildNative, buildWasm, bundleWeb, BUILD_DIRS } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.env.KEFU_TEST_ONLY ? new Set(process.env.KEFU_TEST_ONLY.split(',')) : null;

function runStep(command, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (status) => resolve({ status, output }));
  });
}

// Catch2 v2 closes with "All tests passed (A assertions in N test cases)" or
// "test cases: N | P passed | F failed".
function countCatch2(output) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const allPassed = clean.match(/All tests passed \(\d+ assertions? in (\d+) test cases?\)/);
  if (allPassed) return { passed: Number(allPassed[1]), failed: 0, skipped: 0 };
  const mixed = clean.match(/test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed/);
  if (mixed) return { passed: Number(mixed[2]), failed: Number(mixed[3]), skipped: 0 };
  return null;
}

// node:test's TAP reporter closes with "# pass N", "# fail N", "# skipped N".
function countNodeTest(output) {
  const read = (name) => Number(output.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? NaN);
  const counts = { passed: read('pass'), failed: read('fail') + (read('cancelled') || 0), skipped: read('skipped') || 0 };
  return Number.isNaN(counts.passed) ? null : counts;
}

// scripts/fuzz.mjs prints one JSON line per target, {target, executions, seconds, crashes}:
// each target is one test, passed when it found nothing.
function countFuzz(output) {
  const results = output.split('\n').filter((line) => line.startsWith('{"target"')).map((line) => JSON.parse(line));
  if (results.length === 0) return null;
  const failed = results.filter((result) => result.crashes > 0).length;
  return { passed: results.length - failed, failed, skipped: 0 };
}

// Seconds per fuzz target in npm test: a smoke run that the seeds still pass and that
// the first mutations find nothing; `npm run fuzz -- --seconds N` is the long run.
const FUZZ_SECONDS_PER_TARGET = 6;

// Node 20 can deadlock at exit while a concurrent TurboFan job waits for a GC on the main
// thread (nodejs/node#54918); with the 2 MB debug core it hung about one exit in 20. Compiling
// on the main thread avoids it. node --test passes the flag on to every test file.
const NODE_FLAGS = ['--no-concurrent-recompilation'];

const steps = [
  { group: 'native', name: 'native Catch2 (ASan+UBSan)', command: `${BUILD_DIRS.native}/tests/kefu_tests`, args: [], count: countCatch2 },
  // --no-experimental-fetch: Emscripten 3.1.6's loader would fetch() its .wasm path in Node >= 18.
  { group: 'wasm', name: 'wasm Catch2 under Node', command: process.execPath, args: [...NODE_FLAGS, '--no-experimental-fetch', `${BUILD_DIRS.wasm}/tests/kefu_tests.js`], count: countCatch2 },
  { group: 'node', name: 'node:test, release core', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/node/'], env: { KEFU_CORE_BUILD: 'release' }, count: countNodeTest },
  { group: 'node', name: 'node:test, debug core', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/node/'], env: { KEFU_CORE_BUILD: 'debug' }, count: countNodeTest },
  { group: 'server', name: 'server (node:test)', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/server/'], count: countNodeTest },
  { group: 'fuzz', name: `fuzz (${FUZZ_SECONDS_PER_TARGET} s per target)`, command: process.execPath, args: [...NODE_FLAGS, 'scripts/fuzz.mjs', '--seconds', String(FUZZ_SECONDS_PER_TARGET)], count: countFuzz },
  { group: 'browser', name: 'browser (headless Chromium)', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', '--test-concurrency=1', 'tests/browser/'], count: countNodeTest },
];

const started = Date.now();
const needsNative = !only || only.has('native');
if (needsNative) buildNative();
buildWasm();
await bundleWeb();

const results = [];
for (const step of steps) {
  if (only && !only.has(step.group)) continue;
  console.log(`\n=== ${step.name} ===`);
  const stepStarted = Date.now();
  const { status, output } = await runStep(step.command, step.args, step.env);
  const counts = step.count(output) ?? { passed: 0, failed: 1, skipped: 0 };
  // A runner that crashed before its summary, or exited non-zero, is a failure even
  // if the counts it printed look clean.
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  results.push({ ...step, ...counts, status, seconds: (Date.now() - stepStarted) / 1000 });
}

console.log('\n=== summary ===');
for (const r of results) {
  const verdict = r.failed === 0 ? 'ok  ' : 'FAIL';
  console.log(`${verdict} ${r.name.padEnd(32)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1)}s`);
}
const total = results.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 && results.length > 0 ? 0 : 1);
