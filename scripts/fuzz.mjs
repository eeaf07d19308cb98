#!/usr/bin/env node
// `npm run fuzz -- --seconds N [--target NAME]…`: runs every fuzz target for N seconds
// (default 60) and prints one JSON line per target, {target, executions, seconds, crashes}.
//   core-*   libFuzzer targets, tests/fuzz/*_fuzz.cpp, built with clang under ASan + UBSan
//            in build/fuzz (not part of `npm run build`); each starts from its committed
//            seeds in tests/fuzz/corpus/<target>/ and grows a working corpus in
//            build/fuzz/corpus/<target>/
//   others   JS fuzzers, tests/fuzz/<target>.fuzz.mjs, run as `node FILE --seconds N`; each
//            prints its own JSON line and exits non-zero on a failure
// A crashing input is kept in test-results/fuzz/<target>/ (the JSON line names it); the
// exit status is non-zero when any target failed. npm test runs this briefly
// (scripts/test.mjs, group "fuzz").
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILD_DIRS, buildFuzz } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const FUZZ_DIR = 'tests/fuzz';
const BUILD_DIR = BUILD_DIRS.fuzz;

function parseArgs(argv) {
  const options = { seconds: 60, targets: [] };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--seconds') options.seconds = Number(argv[++i]);
    else if (argv[i] === '--target') options.targets.push(argv[++i]);
    else throw new Error(`fuzz: unknown argument ${argv[i]} (--seconds N, --target NAME)`);
  }
  if (!(options.seconds > 0)) throw new Error('fuzz: --seconds must be a positive number');
  return options;
}

// core_frame_fuzz.cpp -> {target: 'core-frame', binary: 'core_frame_fuzz'}
function nativeTargets() {
  return readdirSync(`${root}${FUZZ_DIR}`).filter((file) => file.endsWith('_fuzz.cpp')).map((file) => {
    const binary = file.slice(0, -'.cpp'.length);
    return { kind: 'native', target: binary.slice(0, -'_fuzz'.length).replaceAll('_', '-'), binary };
  });
}

function jsTargets() {
  return readdirSync(`${root}${FUZZ_DIR}`).filter((file) => file.endsWith('.fuzz.mjs')).map((file) => ({ kind: 'js', target: file.slice(0, -'.fuzz.mjs'.length), file: `${FUZZ_DIR}/${file}` }));
}

function collect(child) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function runNative({ target, binary }, seconds) {
  const seeds = `${root}${FUZZ_DIR}/corpus/${target}`;
  const work = `${BUILD_DIR}/corpus/${target}`;
  const artifacts = `${root}test-results/fuzz/${target}/`;
  for (const dir of [seeds, work, artifacts]) mkdirSync(dir, { recursive: true });
  const started = Date.now();
  // New inputs go to the first corpus folder, so the committed seeds stay as they are.
  // A 25 s timeout per input: a hang is a failure, yet a loaded CI machine is not one.
  const child = spawn(`${BUILD_DIR}/tests/fuzz/${binary}`, [
    `-max_total_time=${Math.max(1, Math.round(seconds))}`, '-timeout=25', '-rss_limit_mb=2048', '-print_final_stats=1',
    `-artifact_prefix=${artifacts}`, work, seeds,
  ], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const { status, stderr } = await collect(child);
  const executions = Number(stderr.match(/stat::number_of_executed_units:\s*(\d+)/)?.[1] ?? [...stderr.matchAll(/^#(\d+)\s/gm)].at(-1)?.[1] ?? 0);
  const artifact = stderr.match(/Test unit written to (\S+)/)?.[1];
  const result = { target, executions, seconds: (Date.now() - started) / 1000, crashes: status === 0 ? 0 : 1 };
  if (artifact) result.input = artifact.replace(root, '');
  if (status !== 0) process.stderr.write(stderr.split('\n').slice(-60).join('\n'));
  return result;
}

async function runJs({ target, file }, seconds) {
  const started = Date.now();
  const child = spawn(process.execPath, ['--no-concurrent-recompilation', file, '--seconds', String(seconds)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const { status, stdout, stderr } = await collect(child);
  const lines = stdout.trim().split('\n');
  let result;
  try {
    result = JSON.parse(lines.at(-1));
  } catch {
    result = { target, executions: 0, seconds: (Date.now() - started) / 1000, crashes: 1, problem: 'no JSON result line' };
  }
  if (status !== 0 && !(result.crashes > 0)) result = { ...result, crashes: 1, problem: result.problem ?? `exit status ${status}` };
  if (status !== 0) process.stderr.write(`${stderr}${lines.slice(0, -1).join('\n')}\n`);
  return result;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const all = [...nativeTargets(), ...jsTargets()];
  const unknown = options.targets.filter((name) => !all.some(({ target }) => target === name));
  if (unknown.length > 0) throw new Error(`fuzz: no target ${unknown.join(', ')} (there are ${all.map(({ target }) => target).join(', ')})`);
  const chosen = options.targets.length > 0 ? all.filter(({ target }) => options.targets.includes(target)) : all;
  if (chosen.some(({ kind }) => kind === 'native')) await buildFuzz();
  let failed = 0;
  for (const target of chosen) {
    const result = target.kind === 'native' ? await runNative(target, options.seconds) : await runJs(target, options.seconds);
    if (result.crashes > 0) failed += 1;
    console.log(JSON.stringify(result));
  }
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
