#!/usr/bin/env node
// npm run sim -- [--seeds N] [--seed S] [--json]
// Runs the delivery simulator over N seeds (default 10,000) split across the machine's
// cores, on an optimised native build (build/sim-release, built when missing), and
// prints one summary; exits 1 if any seed failed. --seed S replays one seed verbosely.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = `${root}build/sim-release`;
const args = process.argv.slice(2);
const valueOf = (flag, fallback) => (args.includes(flag) ? Number(args[args.indexOf(flag) + 1]) : fallback);
const json = args.includes('--json');

const generator = spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : [];
for (const step of [
  ['cmake', ['-S', root, '-B', buildDir, ...generator, '-DCMAKE_BUILD_TYPE=Release']],
  ['cmake', ['--build', buildDir, '--target', 'kefu-sim', '-j', String(availableParallelism())]],
]) {
  const result = spawnSync(step[0], step[1], { stdio: ['ignore', json ? 'ignore' : 'inherit', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const simulator = `${buildDir}/sim/kefu-sim`;

if (args.includes('--seed')) {
  const result = spawnSync(simulator, ['--seed', String(valueOf('--seed', 1)), ...(json ? ['--json'] : [])], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const seeds = valueOf('--seeds', 10_000);
const workers = Math.min(availableParallelism(), seeds);
const started = Date.now();
const parts = await Promise.all(
  Array.from({ length: workers }, (_, i) => {
    const from = 1 + Math.floor((i * seeds) / workers);
    const count = Math.floor(((i + 1) * seeds) / workers) - Math.floor((i * seeds) / workers);
    return new Promise((resolve) => {
      let out = '';
      const child = spawn(simulator, ['--from', String(from), '--count', String(count), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.on('data', (chunk) => (out += chunk));
      child.on('close', () => resolve(JSON.parse(out)));
    });
  }),
);
const total = { seeds, messages: 0, lost: 0, duplicated: 0, reordered: 0, regressions: 0, serverMessagesMisshown: 0, failedSeeds: [] };
for (const part of parts) {
  for (const key of ['messages', 'lost', 'duplicated', 'reordered', 'regressions', 'serverMessagesMisshown']) total[key] += part[key];
  total.failedSeeds.push(...part.failedSeeds);
}
total.failedSeeds.sort((a, b) => a - b);
if (json) {
  console.log(JSON.stringify(total));
} else {
  console.log(`${seeds} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s on ${workers} cores: ${total.messages} visitor messages, lost ${total.lost}, duplicated ${total.duplicated}, reordered ${total.reordered}, delivery regressions ${total.regressions}, server messages mis-shown ${total.serverMessagesMisshown}`);
  if (total.failedSeeds.length) console.log(`failed seeds (replay with npm run sim -- --seed S): ${total.failedSeeds.slice(0, 20).join(', ')}`);
}
process.exit(total.failedSeeds.length === 0 ? 0 : 1);
