// bench:load stays runnable and honest: a small run prints one JSON line whose counts
// come from reading the store back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/load/run.mjs', import.meta.url));

test('20 visitors × 5 messages through the real core: all stored once, one JSON line on stdout', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [RUN, '--visitors', '20', '--messages', '5', '--durability', 'committed'], { timeout: 60_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const result = JSON.parse(lines[0]);
  assert.deepEqual([result.visitors, result.sent, result.stored, result.lost, result.duplicated, result.durability], [20, 100, 100, 0, 0, 'committed']);
  assert.ok(result.msgsPerSec > 0 && result.ackP50ms >= 0 && result.ackP99ms >= result.ackP50ms);
});
