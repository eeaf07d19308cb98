#!/usr/bin/env -S node --no-concurrent-recompilation
// A/B of two builds of the core on FAQ datasets, in one process so both see the same
// machine load: are their answers identical, and which is faster?
//   node --no-concurrent-recompilation bench/faq/compare-cores.mjs A_DIR B_DIR [--rounds N] DATASET.json…
// A_DIR and B_DIR each hold kefu-core.js and kefu-core.wasm (e.g. a copy of an older
// dist/, and dist/). Per dataset it checks that both build byte-identical binary indexes
// and give identical match replies (tier, ids, scores) to every query, then times the
// queries in rounds, alternating which core goes first, and prints each core's p50 per
// round (the figure `kefu eval` reports) plus KB build and index load times.
// Exits 1 when any reply or index differs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadKefuCore } from '../../web/core/load-core.js';
import { FaqEngine } from '../../web/core/faq-engine.js';
import { quantile, validateDataset } from '../../cli/faq-evaluation.js';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--rounds');
if (positional.length < 3 || !(rounds >= 1)) {
  console.error('usage: compare-cores.mjs A_DIR B_DIR [--rounds N] DATASET.json…');
  process.exit(2);
}
const [dirA, dirB, ...datasets] = positional;

async function coreFrom(dir) {
  const url = (file) => pathToFileURL(resolve(dir, file));
  return loadKefuCore({ moduleUrl: url('kefu-core.js'), wasmUrl: url('kefu-core.wasm') });
}

const cores = { A: await coreFrom(dirA), B: await coreFrom(dirB) };
const names = ['A', 'B'];
const elapsedMs = (started) => Number(process.hrtime.bigint() - started) / 1e6;
const median = (values) => quantile([...values].sort((x, y) => x - y), 0.5);
let differences = 0;

for (const path of datasets) {
  const dataset = validateDataset(JSON.parse(readFileSync(path, 'utf8')), path);
  // As kefu eval does: a placeholder where a public dataset has no answer.
  const faqs = dataset.faqs.map((faq) => (typeof faq.answer === 'string' && faq.answer.trim() !== '' ? faq : { ...faq, answer: `[no answer in dataset: ${faq.id}]` }));
  const kbText = JSON.stringify({ faqs });
  const engines = {};
  const buildMs = { A: [], B: [] };
  for (const name of names) {
    const started = process.hrtime.bigint();
    engines[name] = new FaqEngine(cores[name], kbText);
    buildMs[name].push(elapsedMs(started));
  }
  for (const name of [...names].reverse()) {
    const started = process.hrtime.bigint();
    engines[name].load(kbText);
    buildMs[name].push(elapsedMs(started));
  }

  const indexes = { A: engines.A.exportIndex(), B: engines.B.exportIndex() };
  const sameIndex = Buffer.compare(Buffer.from(indexes.A), Buffer.from(indexes.B)) === 0;
  if (!sameIndex) differences += 1;
  const loadMs = { A: [], B: [] };
  for (let i = 0; i < 3; i += 1) {
    for (const name of i % 2 ? [...names].reverse() : names) {
      const started = process.hrtime.bigint();
      engines[name].load(indexes[name]);
      loadMs[name].push(elapsedMs(started));
    }
  }

  let differentReplies = 0;
  for (const { text } of dataset.queries) {
    const [a, b] = names.map((name) => JSON.stringify(engines[name].match(text, { k: 5 })));
    if (a !== b) differentReplies += 1;
  }
  if (differentReplies > 0) differences += 1;

  const p50 = { A: [], B: [] };
  for (let round = 0; round < rounds; round += 1) {
    const latencies = { A: [], B: [] };
    const order = round % 2 ? [...names].reverse() : names;
    for (const { text } of dataset.queries) {
      for (const name of order) {
        const started = process.hrtime.bigint();
        engines[name].match(text, { k: 5 });
        latencies[name].push(Number(process.hrtime.bigint() - started) / 1000);
      }
    }
    for (const name of names) p50[name].push(median(latencies[name]));
  }
  for (const name of names) engines[name].dispose();

  const list = (values, digits = 1) => values.map((value) => value.toFixed(digits)).join(' ');
  console.log(`${path}: ${dataset.queries.length} queries; binary index ${sameIndex ? 'identical' : 'DIFFERENT'}, replies ${differentReplies === 0 ? 'identical' : `DIFFERENT for ${differentReplies}`}`);
  for (const name of names) {
    console.log(`  ${name} p50 µs per round: ${list(p50[name])} (median ${median(p50[name]).toFixed(1)}); build ms ${list(buildMs[name], 0)}; index load ms ${list(loadMs[name])}`);
  }
}
process.exit(differences === 0 ? 0 : 1);
