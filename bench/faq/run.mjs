#!/usr/bin/env node
// npm run bench:faq -- DATASET.json [...] [--max-queries N]
// In one process and one run: Kefu (wasm core through its JS wrapper, as the widget
// calls it) against the JS search libraries, on the same FAQ datasets. Prints hit@1,
// MRR@5, µs/query (mean and p50), build ms, and Kefu/peer ratios.
import { readFileSync } from 'node:fs';
import { FaqEngine } from '../../web/core/index.js';
import { evaluate, validateDataset } from '../../cli/faq-evaluation.js';
import { PEERS, QUERY_SAMPLE, variantsOf } from './peers.js';

const args = process.argv.slice(2);
const maxQueriesAt = args.indexOf('--max-queries');
const maxQueries = maxQueriesAt >= 0 ? Number(args[maxQueriesAt + 1]) : Infinity;
const files = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--max-queries');
if (files.length === 0) {
  console.error('usage: npm run bench:faq -- DATASET.json [...] [--max-queries N]\n(datasets: ../shared/datasets/*.dev.json)');
  process.exit(2);
}

function timed(fn) {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

function evenlySpaced(queries, count) {
  if (queries.length <= count) return queries;
  return Array.from({ length: count }, (_, i) => queries[Math.floor((i * queries.length) / count)]);
}

function measure(name, dataset, build) {
  const { value: rank, ms: buildMs } = timed(build);
  // Warm up so the first queries do not pay for JIT compilation.
  for (const query of dataset.queries.slice(0, 20)) rank(query.text);
  const { value: metrics, ms: totalMs } = timed(() => evaluate(dataset, rank));
  return { name, hit1: metrics.hit1, mrr5: metrics.mrr5, meanUs: (totalMs * 1000) / dataset.queries.length, p50us: metrics.p50us, buildMs };
}

const kefuCore = await FaqEngine.create({ faqs: [{ id: 'warm', question: 'warm', answer: 'up' }] });
for (const file of files) {
  const dataset = validateDataset(JSON.parse(readFileSync(file, 'utf8')), file);
  if (dataset.queries.length > maxQueries) dataset.queries = dataset.queries.slice(0, maxQueries);
  const lang = String(dataset.lang ?? 'en');
  const faqs = dataset.faqs.map((faq) => ({ ...faq, id: String(faq.id), answer: faq.answer?.trim() ? faq.answer : '-' }));
  const variants = variantsOf(faqs);
  console.log(`\n${file}: ${faqs.length} FAQs, ${variants.length} question variants, ${dataset.queries.length} queries (${lang})`);

  const rows = [
    measure('Kefu (wasm)', dataset, () => {
      kefuCore.load({ faqs });
      return (text) => {
        const { tier, candidates } = kefuCore.match(text, { k: 5 });
        return { tier, ids: candidates.map((candidate) => candidate.id) };
      };
    }),
  ];
  for (const [name, build] of Object.entries(PEERS)) {
    const sample = QUERY_SAMPLE[name];
    const sampled = sample && dataset.queries.length > sample;
    const peerDataset = sampled ? { ...dataset, queries: evenlySpaced(dataset.queries, sample) } : dataset;
    rows.push(measure(sampled ? `${name}*` : name, peerDataset, () => build(variants, lang)));
  }

  // The binary index: build once, ship, load. Load is timed as the median of five.
  const index = kefuCore.exportIndex();
  const loads = Array.from({ length: 5 }, () => timed(() => kefuCore.load(index)).ms).sort((a, b) => a - b);
  const { heapBytes, indexBytes } = kefuCore.memoryStats();

  const kefu = rows[0];
  const fixed = (value, digits) => (value === null ? 'n/a' : value.toFixed(digits));
  console.log(`${'engine'.padEnd(16)}${'hit@1'.padStart(8)}${'MRR@5'.padStart(8)}${'µs/q mean'.padStart(11)}${'µs/q p50'.padStart(10)}${'build ms'.padStart(10)}${'Kefu hit@1 ×'.padStart(14)}${'Kefu speed ×'.padStart(14)}`);
  for (const row of rows) {
    const hitRatio = row === kefu ? '' : fixed(kefu.hit1 / row.hit1, 2);
    const speedRatio = row === kefu ? '' : fixed(row.meanUs / kefu.meanUs, 1);
    console.log(
      `${row.name.padEnd(16)}${fixed(row.hit1, 3).padStart(8)}${fixed(row.mrr5, 3).padStart(8)}${fixed(row.meanUs, 1).padStart(11)}${fixed(row.p50us, 1).padStart(10)}${fixed(row.buildMs, 0).padStart(10)}${hitRatio.padStart(14)}${speedRatio.padStart(14)}`,
    );
  }
  console.log(`Kefu binary index: ${index.length} bytes; load ${fixed(loads[2], 1)} ms vs build ${fixed(kefu.buildMs, 0)} ms (${fixed(kefu.buildMs / loads[2], 1)}× faster); index arrays ${indexBytes} bytes in a wasm heap of ${heapBytes} bytes (a heap never shrinks: its size is the largest so far in this run)`);
}
kefuCore.dispose();
console.log(`\n* scored on an evenly spaced sample of ${Object.values(QUERY_SAMPLE).join('/')} queries (too slow for all)`);
