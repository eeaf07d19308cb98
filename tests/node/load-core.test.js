import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadKefuCore, KefuError } from '../../web/core/index.js';
import { coreBuild } from './core-build.js';

test(`the ${coreBuild} core loads in Node and exposes the FaqApi class (the C++ name; FaqEngine is the JS wrapper)`, async () => {
  const core = await loadKefuCore({ build: coreBuild });
  assert.equal(typeof core.FaqApi, 'function');
});

test('loading twice shares one module instance', async () => {
  const [first, second] = await Promise.all([loadKefuCore({ build: coreBuild }), loadKefuCore({ build: coreBuild })]);
  assert.equal(first, second);
});

test('an unknown build is a KefuError, not a crash', async () => {
  await assert.rejects(loadKefuCore({ build: 'fastest' }), (error) => error instanceof KefuError && error.code === 'invalid_argument');
});

test('a missing wasm file rejects with core_load_failed and a later load still works', async () => {
  await assert.rejects(
    loadKefuCore({ build: coreBuild, wasmUrl: new URL('../../dist/no-such-core.wasm', import.meta.url) }),
    (error) => error instanceof KefuError && error.code === 'core_load_failed',
  );
  const core = await loadKefuCore({ build: coreBuild });
  assert.equal(typeof core.FaqApi, 'function');
});

test('loading the core adds no process-wide error handlers to the host process', async () => {
  // In a fresh process: this file's process has loaded the core already.
  const { spawnSync } = await import('node:child_process');
  const script = `
    const events = ['uncaughtException', 'unhandledRejection'];
    const before = events.map((name) => process.listenerCount(name));
    const { loadKefuCore } = await import(${JSON.stringify(new URL('../../web/core/index.js', import.meta.url).href)});
    await loadKefuCore({ build: ${JSON.stringify(coreBuild)} });
    console.log(JSON.stringify({ before, after: events.map((name) => process.listenerCount(name)) }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { before, after } = JSON.parse(run.stdout);
  assert.deepEqual(after, before);
});
