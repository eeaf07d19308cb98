// Scores a FAQ matcher on a dataset in the ../shared/datasets format:
// {"faqs": [...], "queries": [{"text", "expect": faq id or null}]}; null means no FAQ
// fits and the right outcome is a hand-off. Shared by `kefu eval` and bench:faq so
// both report the same figures for the same definitions.
import { seededRandom } from './seeded-random.js';

export function quantile(sortedValues, q) {
  if (sortedValues.length === 0) return null;
  const index = Math.min(sortedValues.length - 1, Math.max(0, Math.ceil(q * sortedValues.length) - 1));
  return sortedValues[index];
}

/**
 * @param {{queries: {text: string, expect: string|null}[]}} dataset
 * @param {(text: string) => {tier?: string, ids: string[]}} rank best first; tier when the matcher decides one
 */
export function evaluate(dataset, rank) {
  let inScope = 0;
  let outOfScope = 0;
  let hits1 = 0;
  let reciprocalRanks = 0;
  let top3 = 0;
  let answered = 0;
  let answeredRight = 0;
  let handedOff = 0;
  const latenciesUs = [];
  for (const { text, expect } of dataset.queries) {
    const started = process.hrtime.bigint();
    const { tier, ids } = rank(text);
    latenciesUs.push(Number(process.hrtime.bigint() - started) / 1000);
    if (tier === 'answer') {
      answered += 1;
      if (expect !== null && ids[0] === expect) answeredRight += 1;
    }
    if (expect === null) {
      outOfScope += 1;
      if (tier === 'handoff') handedOff += 1;
      continue;
    }
    inScope += 1;
    const rankOfExpected = ids.slice(0, 5).indexOf(expect);
    if (rankOfExpected === 0) hits1 += 1;
    if (rankOfExpected >= 0) reciprocalRanks += 1 / (rankOfExpected + 1);
    if (rankOfExpected >= 0 && rankOfExpected < 3) top3 += 1;
  }
  latenciesUs.sort((a, b) => a - b);
  const ratio = (part, whole) => (whole === 0 ? null : round(part / whole));
  return {
    hit1: ratio(hits1, inScope),
    mrr5: ratio(reciprocalRanks, inScope),
    answerPrecision: ratio(answeredRight, answered),
    answerCoverage: ratio(answeredRight, inScope),
    suggestRecall3: ratio(top3, inScope),
    handoffRecall: ratio(handedOff, outOfScope),
    p50us: round(quantile(latenciesUs, 0.5), 1),
    p99us: round(quantile(latenciesUs, 0.99), 1),
    queries: dataset.queries.length,
  };
}

function round(value, digits = 4) {
  if (value === null) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * The two learning experiments of `kefu eval --teach` (docs/knowledge-base.md): which
 * queries are taught and which are scored afterwards.
 *   interleaved: the queries shuffled with a fixed seed, so the taught phrasings are
 *     spread over the FAQs as agents' everyday teaching would be;
 *   grouped: file order (datasets list a FAQ's queries together), so the first half's
 *     FAQs get all the teaching and the second half's questions mostly get none: the
 *     uneven case, where taught FAQs must not steal the others' matches.
 * Only in-scope queries of the first half are taught (an out-of-scope one has no FAQ).
 * @returns {{taught: {faqId: string, text: string}[], scored: {text: string, expect: string|null}[]}}
 */
export function teachingSplit(queries, mode) {
  if (mode !== 'interleaved' && mode !== 'grouped') throw new Error(`--teach takes interleaved or grouped, not ${mode}`);
  const ordered = mode === 'grouped' ? [...queries] : shuffled(queries, 0x6b656675);
  const half = Math.floor(ordered.length / 2);
  const taught = ordered.slice(0, half).filter((query) => query.expect !== null).map((query) => ({ faqId: query.expect, text: query.text }));
  return { taught, scored: ordered.slice(half) };
}

// Fisher–Yates with a small fixed-seed generator (mulberry32): the same split on every run
// and every machine.
function shuffled(items, seed) {
  const out = [...items];
  const next = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function validateDataset(dataset, path) {
  if (!dataset || !Array.isArray(dataset.faqs) || !Array.isArray(dataset.queries)) {
    throw new Error(`${path}: expected {"faqs": [...], "queries": [...]}`);
  }
  for (const [index, query] of dataset.queries.entries()) {
    if (typeof query?.text !== 'string' || !(query.expect === null || typeof query.expect === 'string' || typeof query.expect === 'number')) {
      throw new Error(`${path}: queries[${index}] needs "text" and "expect" (an FAQ id or null)`);
    }
    if (typeof query.expect === 'number') query.expect = String(query.expect);
  }
  return dataset;
}
