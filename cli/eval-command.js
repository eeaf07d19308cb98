import { FaqEngine } from '../web/core/index.js';
import { evaluate, teachingSplit, validateDataset } from './faq-evaluation.js';
import { parseCommandArgs } from './parse-command-args.js';
import { aboutFile, readDatasetFile } from './read-input-file.js';
import { UsageError } from './usage-error.js';

export const EVAL_USAGE = 'kefu eval DATASET.json [--json] [--teach interleaved|grouped] [--build release|debug]';

export const EVAL_HELP = `usage: ${EVAL_USAGE}
Scores the FAQ engine on a dataset: {"faqs": [KB entries], "queries": [{"text",
"expect": an FAQ id, or null when the right outcome is a hand-off}]}. Prints hit@1,
MRR@5, answer precision and coverage, hand-off recall, latency and index size;
--json prints them as one JSON object.
--teach interleaved|grouped: teaches the first half of the queries to their FAQs as
similar questions (as an agent would: the index updated, not retrained) and scores the
second half before and after (interleaved: queries shuffled with a fixed seed; grouped:
in file order, so the teaching is uneven).`;

// Runs the dataset's queries through the wasm core, exactly as the widget would.
export async function evalCommand(args) {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean', default: false }, teach: { type: 'string' }, build: { type: 'string', default: 'release' } }, EVAL_USAGE, 1);
  const { json, teach, build } = values;
  if (teach !== undefined && teach !== 'interleaved' && teach !== 'grouped') throw new UsageError(EVAL_USAGE);
  const [path] = positionals;
  const dataset = validateDataset(readDatasetFile(path), path);
  if (teach) return teachCommand(dataset, path, teach, { json, build });
  const missingAnswers = dataset.faqs.filter((faq) => typeof faq.answer !== 'string' || faq.answer.trim() === '').length;
  const kbText = JSON.stringify({ faqs: kbFaqs(dataset) });

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

// Some public datasets leave answers empty; a real KB may not (the loader rejects it), so
// evaluation stands a placeholder in: only matching is measured here.
export function kbFaqs(dataset) {
  return dataset.faqs.map((faq) => (typeof faq.answer === 'string' && faq.answer.trim() !== '' ? faq : { ...faq, answer: `[no answer in dataset: ${faq.id}]` }));
}

// `--teach`: the second half of the queries scored on the KB as it is, then on the KB after
// the first half's queries were taught to their FAQs as new phrasings (teachingSplit).
async function teachCommand(dataset, path, mode, { json, build }) {
  const { taught, scored } = teachingSplit(dataset.queries, mode);
  const faqs = kbFaqs(dataset);
  const scoredSet = { queries: scored };
  const engine = await FaqEngine.create(JSON.stringify({ faqs }), { build }).catch((error) => {
    throw aboutFile(path, error);
  });
  const rank = (text) => {
    const { tier, candidates } = engine.match(text, { k: 5 });
    return { tier, ids: candidates.map((candidate) => candidate.id) };
  };
  try {
    const untaught = evaluate(scoredSet, rank);
    // Taught as an agent would (FaqEngine.teachAll: the index updated, not retrained). A
    // query that repeats a phrasing its FAQ already has teaches nothing new, and the core
    // refuses it (phrasing_exists), so it is left out.
    const known = new Set(faqs.flatMap((faq) => [faq.question, ...(faq.similar ?? [])].map((text) => `${faq.id}\u0000${text}`)));
    const lessons = [];
    for (const { faqId, text } of taught) {
      const key = `${faqId}\u0000${text}`;
      if (known.has(key) || text.trim() === '') continue;
      known.add(key);
      lessons.push({ faqId, phrasing: text });
    }
    const teachStarted = process.hrtime.bigint();
    engine.teachAll(lessons);
    const teachMs = Number(process.hrtime.bigint() - teachStarted) / 1e6;
    const afterTeaching = evaluate(scoredSet, rank);
    const report = {
      dataset: path,
      teach: mode,
      taughtPhrasings: lessons.length,
      repeatedPhrasings: taught.length - lessons.length,
      teachMs: Math.round(teachMs * 10) / 10,
      scoredQueries: scored.length,
      untaught,
      taught: afterTeaching,
    };
    if (json) {
      console.log(JSON.stringify(report));
      return;
    }
    const pct = (value) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`);
    const points = (after, before) => (after === null || before === null ? 'n/a' : `${after >= before ? '+' : ''}${((after - before) * 100).toFixed(1)}`);
    console.log(`${path}: --teach ${mode}, ${lessons.length} phrasings taught from the first half (${report.repeatedPhrasings} repeated a known phrasing), ${scored.length} queries of the second half scored`);
    console.log(`  teaching took ${report.teachMs} ms (${lessons.length > 0 ? (teachMs / lessons.length).toFixed(2) : 'n/a'} ms per phrasing, in one teachAll)`);
    console.log(`  hit@1 untaught ${pct(untaught.hit1)}, taught ${pct(afterTeaching.hit1)} (${points(afterTeaching.hit1, untaught.hit1)} points)`);
    console.log(`  MRR@5 untaught ${untaught.mrr5}, taught ${afterTeaching.mrr5}   answer coverage ${pct(untaught.answerCoverage)} -> ${pct(afterTeaching.answerCoverage)}   hand-off recall ${pct(untaught.handoffRecall)} -> ${pct(afterTeaching.handoffRecall)}`);
  } finally {
    engine.dispose();
  }
}
