import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { coreBuild } from './core-build.js';

// Declarations do not depend on the core build; check them once. The type tests import
// 'kefu' and 'kefu/core' by name, which this checkout resolves to itself through its
// package.json "exports", so a wrong types map fails here (tests/node/packed-tarball.test.js
// checks the same files against the installed tarball).
for (const config of ['tsconfig.json', 'tsconfig.bundler.json']) {
  test(`the TypeScript declarations compile against typical usage (${config})`, { skip: coreBuild !== 'release' && 'checked in the release pass' }, () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const project = fileURLToPath(new URL(`../types/${config}`, import.meta.url));
    const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
}
