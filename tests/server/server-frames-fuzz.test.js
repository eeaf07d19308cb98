// A bounded run of the server frame fuzzer (tests/fuzz/server-frames.fuzz.mjs) with a
// fixed seed, so `npm test` catches a frame that ends the process; `npm run fuzz`
// runs it for longer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FUZZER = fileURLToPath(new URL('../fuzz/server-frames.fuzz.mjs', import.meta.url));

test('3 s (and at least 400 inputs) of mutated JSON and malformed WebSocket frames on both sockets: no process exit, visitors still welcomed', () => {
  const run = spawnSync(process.execPath, [FUZZER, '--seconds', '3', '--executions', '400', '--seed', '21'], { encoding: 'utf8', timeout: 120_000 });
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 1, run.stdout);
  const result = JSON.parse(lines[0]);
  assert.equal(result.target, 'server-frames');
  assert.equal(result.crashes, 0, run.stderr);
  assert.ok(result.executions >= 400, `only ${result.executions} executions`);
  assert.equal(run.status, 0, run.stderr);
});
