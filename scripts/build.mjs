#!/usr/bin/env node
// Builds the native test/tool tree (build/native) and the wasm tree (build/wasm,
// writing dist/). Incremental: a second run only relinks what changed.
//   --if-missing   only build when dist/ lacks the shipped core (what `npm start` uses)
//   --wasm-only    skip the native tree
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleWeb } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));

export const BUILD_DIRS = { native: `${root}build/native`, wasm: `${root}build/wasm` };

function run(command, commandArgs, env = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`build: ${command} ${commandArgs.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

function generatorArgs() {
  return spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : [];
}

// Debian's Emscripten 3.1.6 finds its JS optimiser's parser (acorn) only through
// NODE_PATH; an upstream emsdk ignores this.
const emscriptenEnv = { NODE_PATH: [process.env.NODE_PATH, '/usr/share/nodejs'].filter(Boolean).join(':') };
const jobs = String(availableParallelism());

function configureAndBuild(dir, configure, env = {}) {
  if (!existsSync(`${dir}/CMakeCache.txt`)) run(configure[0], configure.slice(1), env);
  run('cmake', ['--build', dir, '-j', jobs], env);
}

export function buildWasm() {
  configureAndBuild(BUILD_DIRS.wasm, ['emcmake', 'cmake', '-S', root, '-B', BUILD_DIRS.wasm, ...generatorArgs(), '-DCMAKE_BUILD_TYPE=Release'], emscriptenEnv);
}

export function buildNative() {
  configureAndBuild(BUILD_DIRS.native, ['cmake', '-S', root, '-B', BUILD_DIRS.native, ...generatorArgs(), '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DKEFU_SANITIZE=ON']);
}

export { bundleWeb };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const shipped = ['dist/kefu-core.wasm', 'dist/kefu-core.mjs', 'dist/kefu-loader.js'];
  if (args.has('--if-missing') && shipped.every((file) => existsSync(`${root}${file}`))) process.exit(0);
  if (!args.has('--wasm-only') && !args.has('--if-missing')) buildNative();
  buildWasm();
  await bundleWeb();
}
