#!/usr/bin/env node
// `npm test`: every suite, one summary, non-zero exit on any failure.
//   build: native with ASan+UBSan, wasm release + debug + wasm test binary, JS bundles,
//          the fuzz targets
//   native Catch2, wasm Catch2 under Node, node:test against the release core and again
//   against the debug core, reference-server tests, browser tests in headless Chromium,
//   every fuzz target for a few seconds from its committed seeds (scripts/fuzz.mjs)
// KEFU_TEST_ONLY=native,wasm,node,server,browser,fuzz runs a subset (the build of the
// shipped cores always runs).
// Steps run side by side, KEFU_TEST_LANES at a time (default: one per core), each as soon
// as the build it needs is done: node --test runs one file at a time on two cores, and
// Catch2 and the fuzzers are single-threaded, so one step at a time kept one core busy
// (less while tests waited on sockets and timers). The cores that the node, server and browser
// steps load are built first; the rest of the build runs under nice alongside them.
// Every line a step prints is prefixed with the step's id; KEFU_TEST_LANES=1 runs one step at
// a time, in the order below.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { buildFuzz, buildNative, buildWasm, bundleWeb, BUILD_DIRS, SHIPPED_WASM_TARGETS } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.env.KEFU_TEST_ONLY ? new Set(process.env.KEFU_TEST_ONLY.split(',')) : null;

const lanes = Math.max(1, Number(process.env.KEFU_TEST_LANES) || availableParallelism());

// Runs one step, forwarding its output line by line with a prefix (steps run side by
// side), and resolves with its exit status and whole output for the counts.
function runStep(prefix, command, args, env = {}) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (stream, target) => {
      let partial = '';
      stream.on('data', (chunk) => {
        output += chunk;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        for (const line of lines) target.write(`[${prefix}] ${line}\n`);
      });
      stream.on('end', () => partial && target.write(`[${prefix}] ${partial}\n`));
    };
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
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

// Listed longest first: a free lane takes the first step whose build is done. `needs`
// names the build (below) a step waits for.
const steps = [
  { id: 'server', group: 'server', needs: 'shipped', name: 'server (node:test)', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/server/'], count: countNodeTest },
  { id: 'browser', group: 'browser', needs: 'shipped', name: 'browser (headless Chromium)', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', '--test-concurrency=1', 'tests/browser/'], count: countNodeTest },
  // The whole wasm tree, not only the shipped cores: packed-tarball.test.js packs the
  // package, and npm's prepack runs the wasm build, which must find nothing left to do.
  { id: 'node-release', group: 'node', needs: 'wasm', name: 'node:test, release core', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/node/'], env: { KEFU_CORE_BUILD: 'release' }, count: countNodeTest },
  { id: 'node-debug', group: 'node', needs: 'wasm', name: 'node:test, debug core', command: process.execPath, args: [...NODE_FLAGS, '--test', '--test-reporter=tap', 'tests/node/'], env: { KEFU_CORE_BUILD: 'debug' }, count: countNodeTest },
  { id: 'native', group: 'native', needs: 'native', name: 'native Catch2 (ASan+UBSan)', command: `${BUILD_DIRS.native}/tests/kefu_tests`, args: [], count: countCatch2 },
  { id: 'fuzz', group: 'fuzz', needs: 'fuzz', name: `fuzz (${FUZZ_SECONDS_PER_TARGET} s per target)`, command: process.execPath, args: [...NODE_FLAGS, 'scripts/fuzz.mjs', '--seconds', String(FUZZ_SECONDS_PER_TARGET)], count: countFuzz },
  // --no-experimental-fetch: Emscripten 3.1.6's loader would fetch() its .wasm path in Node >= 18.
  { id: 'wasm', group: 'wasm', needs: 'wasm', name: 'wasm Catch2 under Node', command: process.execPath, args: [...NODE_FLAGS, '--no-experimental-fetch', `${BUILD_DIRS.wasm}/tests/kefu_tests.js`], count: countCatch2 },
].filter((step) => !only || only.has(step.group));

const started = Date.now();
const seconds = (since) => (Date.now() - since) / 1000;

// The builds, all started at once: the shipped cores and the bundles first, at normal
// priority; the rest under nice. A build that fails fails the steps that need it.
const needed = new Set(steps.map((step) => step.needs));
const shipped = buildWasm({ targets: SHIPPED_WASM_TARGETS }).then(() => bundleWeb());
const builds = {
  shipped,
  // One ninja at a time in a build tree: the rest of the wasm tree after the shipped cores.
  wasm: needed.has('wasm') ? shipped.then(() => buildWasm({ lowPriority: true })) : null,
  native: needed.has('native') ? buildNative({ lowPriority: true }) : null,
  fuzz: needed.has('fuzz') ? buildFuzz({ lowPriority: true }) : null,
};
const buildResults = [];
const buildDone = {};
for (const [name, promise] of Object.entries(builds)) {
  if (!promise) continue;
  promise.then(
    () => {
      buildDone[name] = 'ok';
      console.log(`=== build ${name} done at ${seconds(started).toFixed(0)}s ===`);
    },
    (error) => {
      buildDone[name] = 'failed';
      console.error(`=== build ${name} FAILED: ${error.message} ===`);
      buildResults.push({ name: `build ${name}`, passed: 0, failed: 1, skipped: 0, seconds: seconds(started) });
    },
  );
}

async function runTestStep(step) {
  console.log(`=== ${step.name} started at ${seconds(started).toFixed(0)}s ===`);
  const stepStarted = Date.now();
  const { status, output } = await runStep(step.id, step.command, step.args, step.env);
  const counts = step.count(output) ?? { passed: 0, failed: 1, skipped: 0 };
  // A runner that crashed before its summary, or exited non-zero, is a failure even
  // if the counts it printed look clean.
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  console.log(`=== ${step.name} done in ${seconds(stepStarted).toFixed(1)}s ===`);
  return { ...step, ...counts, status, seconds: seconds(stepStarted) };
}

// A free lane takes the first waiting step whose build is done.
const results = new Map();
await new Promise((allDone) => {
  const waiting = [...steps];
  let running = 0;
  const pump = () => {
    for (let i = 0; i < waiting.length && running < lanes; ) {
      const step = waiting[i];
      const state = buildDone[step.needs];
      if (state === undefined) {
        i += 1;
        continue;
      }
      waiting.splice(i, 1);
      if (state === 'failed') {
        results.set(step.id, { ...step, passed: 0, failed: 1, skipped: 0, seconds: 0 });
        continue;
      }
      running += 1;
      runTestStep(step).then((result) => {
        results.set(step.id, result);
        running -= 1;
        pump();
      });
    }
    if (waiting.length === 0 && running === 0) allDone();
  };
  for (const promise of Object.values(builds)) promise?.then(pump, pump);
  pump();
});
// A build no step waited for (none, unless a subset ran) still has to pass.
await Promise.allSettled(Object.values(builds).filter(Boolean));

console.log('\n=== summary ===');
const rows = [...buildResults, ...steps.map((step) => results.get(step.id))];
for (const r of rows) {
  const verdict = r.failed === 0 ? 'ok  ' : 'FAIL';
  console.log(`${verdict} ${r.name.padEnd(32)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped  ${r.seconds.toFixed(1)}s`);
}
const total = rows.reduce((sum, r) => ({ passed: sum.passed + r.passed, failed: sum.failed + r.failed, skipped: sum.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`wall time ${seconds(started).toFixed(0)}s (${lanes} lanes)`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 && rows.length > 0 ? 0 : 1);
