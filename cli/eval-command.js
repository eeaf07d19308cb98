import { FaqEngine } from '../web/core/index.js';
import { evaluate, validateDataset } from './faq-evaluation.js';
import { parseCommandArgs } from './parse-command-args.js';
import { aboutFile, readDatasetFile } from './read-input-file.js';

export const EVAL_USAGE = 'kefu eval DATASET.json [--json] [--build release|debug]';

export const EVAL_HELP = `usage: ${EVAL_USAGE}
Scores the FAQ engine on a dataset: {"faqs": [KB entries], "queries": [{"text",
"expect": an FAQ id, or null when the right outcome is a hand-off}]}. Prints hit@1,
MRR@5, answer precision and coverage, hand-off recall, latency and index size;
--json prints them as one JSON object.`;

// Runs the dataset's queries through the wasm core, exactly as the widget would.
export async function evalCommand(args) {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, build: { type: 'string', default: 'release' } }, EVAL_USAGE, 1);
  const { json, build } = values;
  const [path] = positionals;
  const dataset = validateDataset(readDatasetFile(path), path);
  // Some public datasets leave answers empty; a real KB may not (the loader rejects
  // it), so evaluation stands a placeholder in: only matching is measured here.
  const missingAnswers = dataset.faqs.filter((faq) => typeof faq.answer !== 'string' || faq.answer.trim() === '').length;
  const faqs = dataset.faqs.map((faq) => (typeof faq.answer === 'string' && faq.answer.trim() !== '' ? faq : { ...faq, answer: `[no answer in dataset: ${faq.id}]` }));
  const kbText = JSON.stringify({ faqs });

  const buildStarted = process.hrtime.bigint();
  const engine = await FaqEngine.create(kbText, { build }).catch((error) => {
    throw aboutFile(path, error);
  });
  const firstBuildMs = Number(process.hrtime.bigint() - buildStarted) / 1e6;
  // The first create also loads and compiles the module; time a second build alone.
  const rebuildStarted = process.hrtime.bigint();
  engine.load(kbText);
  const buildMs = Number(process.hrtime.bigint() - rebuildStarted) / 1e6;

  // Warm up the JS side of the boundary (JIT) before timing, as bench:faq does.
  for (const query of dataset.queries.slice(0, 50)) engine.match(query.text, { k: 5 });
  const metrics = evaluate(dataset, (text) => {
    const { tier, candidates } = engine.match(text, { k: 5 });
    return { tier, ids: candidates.map((candidate) => candidate.id) };
  });
  // The binary index: its size, and how much faster loading it is than building.
  const index = engine.exportIndex();
  engine.load(index);  // as with the build, time a second, warm load
  const loadStarted = process.hrtime.bigint();
  engine.load(index);
  const indexLoadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;
  const { heapBytes } = engine.memoryStats();
  engine.dispose();
  const report = {
    dataset: path,
    ...metrics,
    buildMs: Math.round(buildMs * 10) / 10,
    indexBytes: index.length,
    indexLoadMs: Math.round(indexLoadMs * 10) / 10,
    heapBytes,
  };

  if (json) {
    console.log(JSON.stringify(report));
    return;
  }
  const pct = (value) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);
  console.log(`${path}: ${report.queries} queries, ${dataset.faqs.length} FAQs (core load + first build ${firstBuildMs.toFixed(0)} ms)`);
  if (missingAnswers > 0) console.log(`  ${missingAnswers} FAQs have no answer in the dataset; a placeholder stands in`);
  console.log(`  hit@1 ${pct(report.hit1)}   MRR@5 ${report.mrr5}   in top 3 ${pct(report.suggestRecall3)}`);
  console.log(`  answer tier: precision ${pct(report.answerPrecision)}, coverage ${pct(report.answerCoverage)}   hand-off recall ${pct(report.handoffRecall)}`);
  console.log(`  latency p50 ${report.p50us} µs, p99 ${report.p99us} µs   build ${report.buildMs} ms`);
  console.log(`  binary index ${report.indexBytes} bytes, loads in ${report.indexLoadMs} ms (${(report.buildMs / report.indexLoadMs).toFixed(1)}× faster than building); wasm heap ${report.heapBytes} bytes`);
}

