#!/usr/bin/env node
// Builds the native test/tool tree (build/native) and the wasm tree (build/wasm,
// writing dist/). Incremental: a second run only relinks what changed.
//   --if-missing   only build when dist/ lacks the shipped core (what `npm start` uses)
//   --wasm-only    skip the native tree
// buildFuzz() builds the fuzz tree (build/fuzz, clang) for scripts/fuzz.mjs and npm test.
// Trees build at the same time: each ends in links that run one at a time (the wasm
// tree's LTO links, the ASan links), and the other trees' compiles fill the cores meanwhile.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleWeb } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));

export const BUILD_DIRS = { native: `${root}build/native`, wasm: `${root}build/wasm`, fuzz: `${root}build/fuzz` };

// Runs a build command with each output line prefixed by its tree's name, so trees that
// build at the same time stay readable. All of it goes to stderr: scripts/fuzz.mjs keeps
// stdout for its JSON lines.
// `lowPriority` runs it under nice: npm test builds what its later steps need while the
// first steps run, and those steps should not wait for a compiler.
function run(tree, command, commandArgs, { env = {}, lowPriority = false } = {}) {
  const [program, programArgs] = lowPriority ? ['nice', ['-n', '10', command, ...commandArgs]] : [command, commandArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(program, programArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const prefix = (stream) => {
      let partial = '';
      stream.on('data', (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        for (const line of lines) process.stderr.write(`[${tree}] ${line}\n`);
      });
      stream.on('end', () => partial && process.stderr.write(`[${tree}] ${partial}\n`));
    };
    prefix(child.stdout);
    prefix(child.stderr);
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`build: ${command} ${commandArgs.join(' ')} failed`))));
  });
}

function generatorArgs() {
  return spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : [];
}

// Debian's Emscripten 3.1.6 finds its JS optimiser's parser (acorn) only through
// NODE_PATH; an upstream emsdk ignores this.
const emscriptenEnv = { NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };
const jobs = String(availableParallelism());

// options: targets (default: all of the tree), lowPriority (see run).
async function configureAndBuild(tree, configure, { env = {}, targets = [], lowPriority = false } = {}) {
  const dir = BUILD_DIRS[tree];
  if (!existsSync(`${dir}/CMakeCache.txt`)) await run(tree, configure[0], configure.slice(1), { env });
  const targetArgs = targets.length > 0 ? ['--target', ...targets] : [];
  await run(tree, 'cmake', ['--build', dir, ...targetArgs, '-j', jobs], { env, lowPriority });
}

// The cores a website and the node:test suites load (dist/), without the wasm Catch2 binary.
export const SHIPPED_WASM_TARGETS = ['kefu-core', 'kefu-core-debug'];

export function buildWasm(options = {}) {
  return configureAndBuild('wasm', ['emcmake', 'cmake', '-S', root, '-B', BUILD_DIRS.wasm, ...generatorArgs(), '-DCMAKE_BUILD_TYPE=Release'], { ...options, env: emscriptenEnv });
}

// The sanitizer trees (native, fuzz): optimised, with line tables only (-g1). A sanitizer's
// report needs file and line in each frame, which line tables give; full debug info took
// about a fifth more compile time (faq_engine.cpp under ASan: 15.5 s CPU with -g, 12.7 s with -g1).
const SANITIZER_BUILD_TYPE = ['-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG'];

export function buildNative(options = {}) {
  return configureAndBuild('native', ['cmake', '-S', root, '-B', BUILD_DIRS.native, ...generatorArgs(), ...SANITIZER_BUILD_TYPE, '-DKEFU_SANITIZE=ON'], options);
}

// The core and its libFuzzer targets (tests/fuzz), instrumented; libFuzzer needs clang.
export function buildFuzz(options = {}) {
  if (spawnSync('clang++', ['--version']).status !== 0) return Promise.reject(new Error('build: clang++ is missing (scripts/setup installs clang)'));
  return configureAndBuild('fuzz', ['cmake', '-S', root, '-B', BUILD_DIRS.fuzz, ...generatorArgs(), ...SANITIZER_BUILD_TYPE, '-DCMAKE_C_COMPILER=clang', '-DCMAKE_CXX_COMPILER=clang++', '-DKEFU_FUZZ=ON'], options);
}

export { bundleWeb };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shipped = ['dist/kefu-core.wasm', 'dist/kefu-core.mjs', 'dist/kefu-loader.js'];
  if (args.has('--if-missing') && shipped.every((file) => existsSync(`${root}${file}`))) process.exit(0);
  const builds = [buildWasm().then(() => bundleWeb())];
  if (!args.has('--wasm-only') && !args.has('--if-missing')) builds.push(buildNative());
  const failures = (await Promise.allSettled(builds)).filter(({ status }) => status === 'rejected');
  for (const { reason } of failures) console.error(reason.message);
  if (failures.length > 0) process.exit(1);
}
