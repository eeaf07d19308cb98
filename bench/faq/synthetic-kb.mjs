#!/usr/bin/env node
// node bench/faq/synthetic-kb.mjs FAQS SIMILAR [--seed N] > kb.json
// A deterministic synthetic knowledge base of any size, for build-time and load-time
// measurements: FAQS entries of 1 + SIMILAR phrasings each, in the ../shared/datasets
// shape ({"faqs": [...], "queries": []}) so `kefu eval`, `kefu build-index` and the native
// kefu-faq-eval all take it. The phrasings are deliberately alike: each mixes its FAQ's
// three topic words with words every FAQ uses, the worst case for the training (every
// FAQ shares terms with every other).
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../cli/seeded-random.js';

export function syntheticKb(faqCount, similarCount, seed = 1) {
  const next = seededRandom(seed);
  const syllables = ['ka', 'lo', 'mi', 'ren', 'sup', 'tor', 'vel', 'dax', 'qui', 'bo', 'zen', 'par', 'fil', 'gro', 'hex', 'jun'];
  const word = () => Array.from({ length: 2 + Math.floor(next() * 2) }, () => syllables[Math.floor(next() * syllables.length)]).join('');
  const common = ['how', 'do', 'i', 'my', 'the', 'can', 'you', 'help', 'with', 'please', 'what', 'is', 'order', 'account', 'why', 'when'];
  const pick = (list) => list[Math.floor(next() * list.length)];
  const phrase = (topic) => {
    const words = [...topic.filter(() => next() < 0.8), ...Array.from({ length: 3 + Math.floor(next() * 4) }, () => pick(common))];
    for (let i = words.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [words[i], words[j]] = [words[j], words[i]];
    }
    return words.join(' ') || topic[0];
  };
  const faqs = [];
  for (let i = 0; i < faqCount; i += 1) {
    const topic = [word(), word(), word()];
    faqs.push({
      id: `faq-${i}`,
      question: `${topic.join(' ')} ${pick(common)}`,
      similar: Array.from({ length: similarCount }, () => phrase(topic)),
      answer: `About ${topic.join(' ')}: see the help centre, section ${i}.`,
    });
  }
  return { faqs, queries: [] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [faqs, similar] = process.argv.slice(2, 4).map(Number);
  const seedAt = process.argv.indexOf('--seed');
  if (!(faqs > 0) || !(similar >= 0)) {
    console.error('usage: node bench/faq/synthetic-kb.mjs FAQS SIMILAR [--seed N] > kb.json');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(syntheticKb(faqs, similar, seedAt > 0 ? Number(process.argv[seedAt + 1]) : 1)));
}
