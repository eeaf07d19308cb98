#!/usr/bin/env node
// node bench/faq/lexical-ceiling.mjs DATASET.json [...] [--json]
//
// How far word-overlap scoring can go on a dataset, whatever its weights: a family of
// textbook lexical scorers (BM25 and TF-IDF cosine over Han character n-grams and Latin
// words, with and without substitutes learned from the KB's own text), each ranking FAQs
// by their best question variant. It prints each scorer's hit@1 and the right FAQ's
// recall in its top 5 and top 50, then two bounds over the whole family:
//  - "any scorer first": share of queries that at least one scorer ranks right. No
//    mixture of these scores can do better than picking, per query, the scorer that is
//    right, so this bounds every weighted combination of them;
//  - "in anyone's top 50": share of queries whose FAQ at least one scorer retrieves at
//    all; a re-ranker over their candidates can answer no other query.
// Kefu's engine is a trained mixture of signals of this kind, which is why this is the
// ceiling we compare its hit@1 with (docs/knowledge-base.md).
import { readFileSync } from 'node:fs';
import { validateDataset } from '../../cli/faq-evaluation.js';

const TOKEN_RUNS = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;
const HAN = /\p{Script=Han}/u;
const ENGLISH_SUFFIXES = ['ing', 'ed', 'es', 's'];

function lightStem(word) {
  for (const suffix of ENGLISH_SUFFIXES) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

// Han runs become character n-grams of the given sizes; other runs lower-cased stemmed
// words (and, with wordPairs, adjacent word pairs).
function tokenize(text, { hanSizes, wordPairs = false }) {
  const tokens = [];
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_RUNS)) {
    if (HAN.test(run[0])) {
      const chars = Array.from(run);
      for (const n of hanSizes) for (let i = 0; i + n <= chars.length; i += 1) tokens.push(chars.slice(i, i + n).join(''));
    } else {
      tokens.push(lightStem(run));
    }
  }
  if (wordPairs) {
    const words = tokens.filter((token) => !HAN.test(token));
    for (let i = 0; i + 1 < words.length; i += 1) tokens.push(`${words[i]}_${words[i + 1]}`);
  }
  return tokens;
}

function countTerms(tokens) {
  const counts = new Map();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

class VariantIndex {
  constructor(variants, tokenizer) {
    this.variants = variants;
    this.tokenizer = tokenizer;
    this.termCounts = variants.map((variant) => countTerms(tokenizer(variant.text)));
    this.lengths = this.termCounts.map((counts) => [...counts.values()].reduce((a, b) => a + b, 0));
    this.averageLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, variants.length);
    this.postings = new Map();
    this.termCounts.forEach((counts, variantId) => {
      for (const [term, count] of counts) {
        if (!this.postings.has(term)) this.postings.set(term, []);
        this.postings.get(term).push([variantId, count]);
      }
    });
    const total = variants.length;
    this.idf = new Map();
    for (const [term, posting] of this.postings) this.idf.set(term, Math.log(1 + (total - posting.length + 0.5) / (posting.length + 0.5)));
    this.norms = this.termCounts.map((counts) => Math.hypot(...[...counts].map(([term, count]) => count * this.idf.get(term))) || 1);
  }

  // Scores every variant sharing a term with the query (or a substitute of one), then
  // keeps each FAQ's best variant.
  rankFaqs(text, { scoring, substitutes }) {
    const queryCounts = countTerms(this.tokenizer(text));
    const weighted = new Map();
    for (const [term, count] of queryCounts) {
      weighted.set(term, Math.max(weighted.get(term) ?? 0, count));
      for (const [substitute, similarity] of substitutes?.get(term) ?? []) {
        if (!queryCounts.has(substitute)) weighted.set(substitute, Math.max(weighted.get(substitute) ?? 0, count * similarity));
      }
    }
    const queryNorm = Math.hypot(...[...weighted].map(([term, weight]) => weight * (this.idf.get(term) ?? 0))) || 1;
    const scores = new Map();
    for (const [term, queryWeight] of weighted) {
      const idf = this.idf.get(term);
      if (idf === undefined) continue;
      for (const [variantId, count] of this.postings.get(term)) {
        let score;
        if (scoring === 'bm25') {
          const lengthRatio = this.lengths[variantId] / this.averageLength;
          score = queryWeight * idf * ((count * 2.2) / (count + 1.2 * (0.25 + 0.75 * lengthRatio)));
        } else {
          score = (queryWeight * count * idf * idf) / (queryNorm * this.norms[variantId]);
        }
        scores.set(variantId, (scores.get(variantId) ?? 0) + score);
      }
    }
    const best = new Map();
    for (const [variantId, score] of scores) {
      const faq = this.variants[variantId].faq;
      if (score > (best.get(faq) ?? -Infinity)) best.set(faq, score);
    }
    return [...best].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 50).map(([faq]) => faq);
  }
}

// Substitutes learned from the KB alone (no dictionary): two terms of the same length
// are substitutes when they appear between the same neighbours ("收钱码" / "收款码"),
// by the cosine of their positive-PMI vectors of left and right neighbours. Context
// features shared by over a tenth of the terms carry no evidence and are skipped.
function learnSubstitutes(texts, tokenizerSizes, { perTerm = 5, minSimilarity = 0.15 } = {}) {
  const contexts = new Map();
  for (const text of texts) {
    for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(TOKEN_RUNS)) {
      if (!HAN.test(run[0])) continue;
      const chars = ['^', ...Array.from(run), '$'];
      for (const n of tokenizerSizes) {
        for (let i = 1; i + n < chars.length; i += 1) {
          const term = chars.slice(i, i + n).join('');
          if (!contexts.has(term)) contexts.set(term, new Map());
          const features = contexts.get(term);
          const add = (feature) => features.set(feature, (features.get(feature) ?? 0) + 1);
          add(`L${chars[i - 1]}`);
          add(`R${chars[i + n]}`);
          add(`LL${chars.slice(Math.max(0, i - 2), i).join('')}`);
          add(`RR${chars.slice(i + n, i + n + 2).join('')}`);
        }
      }
    }
  }
  const featureTotals = new Map();
  let total = 0;
  for (const features of contexts.values()) {
    for (const [feature, count] of features) {
      featureTotals.set(feature, (featureTotals.get(feature) ?? 0) + count);
      total += count;
    }
  }
  const vectors = new Map();
  const byFeature = new Map();
  for (const [term, features] of contexts) {
    const termTotal = [...features.values()].reduce((a, b) => a + b, 0);
    if (termTotal < 3) continue;
    const vector = new Map();
    for (const [feature, count] of features) {
      // Context-distribution smoothing (0.75), as in word2vec's negative sampling.
      const pmi = Math.log((count * total ** 0.75) / (termTotal * featureTotals.get(feature) ** 0.75));
      if (pmi > 0) vector.set(feature, pmi);
    }
    const norm = Math.hypot(...vector.values()) || 1;
    for (const [feature, value] of vector) vector.set(feature, value / norm);
    vectors.set(term, vector);
    for (const [feature, value] of vector) {
      if (!byFeature.has(feature)) byFeature.set(feature, []);
      byFeature.get(feature).push([term, value]);
    }
  }
  const tooCommon = vectors.size / 10;
  const substitutes = new Map();
  for (const [term, vector] of vectors) {
    const similarity = new Map();
    for (const [feature, value] of vector) {
      const sharing = byFeature.get(feature);
      if (sharing.length > tooCommon) continue;
      for (const [other, otherValue] of sharing) {
        if (other !== term && other.length === term.length) similarity.set(other, (similarity.get(other) ?? 0) + value * otherValue);
      }
    }
    const best = [...similarity].filter(([, value]) => value >= minSimilarity).sort((a, b) => b[1] - a[1]).slice(0, perTerm);
    if (best.length > 0) substitutes.set(term, best);
  }
  return substitutes;
}

function variantsOf(faqs) {
  return faqs.flatMap((faq) => [faq.question, ...(faq.similar ?? [])].map((text) => ({ faq: String(faq.id), text })));
}

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const files = args.filter((arg) => !arg.startsWith('--'));
if (files.length === 0) {
  console.error('usage: node bench/faq/lexical-ceiling.mjs DATASET.json [...] [--json]\n(datasets: ../shared/datasets/*.dev.json)');
  process.exit(2);
}

for (const file of files) {
  const dataset = validateDataset(JSON.parse(readFileSync(file, 'utf8')), file);
  const variants = variantsOf(dataset.faqs);
  const queries = dataset.queries.filter((query) => query.expect !== null).map((query) => ({ ...query, expect: String(query.expect) }));
  const isChinese = HAN.test(variants.slice(0, 50).map((variant) => variant.text).join(''));
  const tokenizers = isChinese
    ? {
        'Han 1-grams': { hanSizes: [1] },
        'Han 2-grams': { hanSizes: [2] },
        'Han 1+2-grams': { hanSizes: [1, 2] },
        'Han 1+2+3-grams': { hanSizes: [1, 2, 3] },
      }
    : { words: { hanSizes: [] }, 'words + pairs': { hanSizes: [], wordPairs: true } };
  // Substitutes are learned for Han 1- and 2-grams and used by the tokenizers with bigrams.
  const substitutes = isChinese ? learnSubstitutes(variants.map((variant) => variant.text), [1, 2]) : null;
  const scorers = [];
  for (const [tokenizerName, options] of Object.entries(tokenizers)) {
    const index = new VariantIndex(variants, (text) => tokenize(text, options));
    for (const scoring of ['bm25', 'cosine']) {
      scorers.push({ name: `${scoring} ${tokenizerName}`, rank: (text) => index.rankFaqs(text, { scoring }) });
      if (substitutes && options.hanSizes.includes(2)) {
        scorers.push({ name: `${scoring} ${tokenizerName} + KB substitutes`, rank: (text) => index.rankFaqs(text, { scoring, substitutes }) });
      }
    }
  }
  const firstByAny = new Set();
  const top50ByAny = new Set();
  const rows = scorers.map(({ name, rank }) => {
    let hits1 = 0;
    let top5 = 0;
    let top50 = 0;
    queries.forEach((query, i) => {
      const position = rank(query.text).indexOf(query.expect);
      if (position === 0) {
        hits1 += 1;
        firstByAny.add(i);
      }
      if (position >= 0 && position < 5) top5 += 1;
      if (position >= 0) {
        top50 += 1;
        top50ByAny.add(i);
      }
    });
    const share = (count) => Math.round((count / queries.length) * 1000) / 1000;
    return { scorer: name, hit1: share(hits1), recall5: share(top5), recall50: share(top50) };
  });
  const share = (count) => Math.round((count / queries.length) * 1000) / 1000;
  const summary = { file, faqs: dataset.faqs.length, variants: variants.length, queries: queries.length, scorers: rows, anyScorerFirst: share(firstByAny.size), inAnyTop50: share(top50ByAny.size) };
  if (asJson) {
    console.log(JSON.stringify(summary));
    continue;
  }
  console.log(`\n${file}: ${summary.faqs} FAQs, ${summary.variants} variants, ${summary.queries} in-scope queries`);
  for (const row of rows) console.log(`  ${row.scorer.padEnd(40)} hit@1 ${row.hit1.toFixed(3)}  recall@5 ${row.recall5.toFixed(3)}  recall@50 ${row.recall50.toFixed(3)}`);
  console.log(`  any scorer first: ${summary.anyScorerFirst.toFixed(3)}; in any scorer's top 50: ${summary.inAnyTop50.toFixed(3)}`);
}
