// The libraries a web developer would reach for, each configured as well as we know
// how for FAQ matching: every question variant is a document, a query's ranking is
// the variants' ranking collapsed to distinct FAQ ids (best variant wins).
import MiniSearch from 'minisearch';
import FlexSearch from 'flexsearch';
import Fuse from 'fuse.js';
import { create, insertMultiple, search } from '@orama/orama';
import { createTokenizer as createMandarinTokenizer } from '@orama/tokenizers/mandarin';
import { peerTokens, isLatinWord } from './tokens.js';

const CANDIDATES = 50;

export function variantsOf(faqs) {
  const variants = [];
  for (const faq of faqs) {
    for (const text of [faq.question, ...(faq.similar ?? [])]) variants.push({ id: variants.length, faq: String(faq.id), text });
  }
  return variants;
}

function distinctFaqs(variantIds, variants, limit = 5) {
  const ids = [];
  for (const variantId of variantIds) {
    const faq = variants[variantId].faq;
    if (!ids.includes(faq)) ids.push(faq);
    if (ids.length === limit) break;
  }
  return ids;
}

// Fuse.js scans every document per query (tens of ms each on large KBs), so it is
// scored on an evenly spaced sample of this many queries; the table marks it.
export const QUERY_SAMPLE = { 'Fuse.js': 200 };

export const PEERS = {
  MiniSearch(variants) {
    const index = new MiniSearch({ fields: ['text'], idField: 'id', tokenize: peerTokens, processTerm: (term) => term });
    index.addAll(variants);
    const options = {
      // Typo tolerance and prefixes only for Latin words: on CJK bigrams they only add noise.
      fuzzy: (term) => (isLatinWord(term) && term.length > 3 ? 0.2 : 0),
      prefix: (term) => isLatinWord(term) && term.length > 2,
      combineWith: 'OR',
    };
    return (text) => ({ ids: distinctFaqs(index.search(text, options).slice(0, CANDIDATES).map((hit) => hit.id), variants) });
  },

  FlexSearch(variants) {
    const index = new FlexSearch.Index({ tokenize: 'strict', encode: peerTokens, resolution: 9 });
    for (const variant of variants) index.add(variant.id, variant.text);
    // suggest: rank partial matches too, or most colloquial questions return nothing.
    return (text) => ({ ids: distinctFaqs(index.search(text, { limit: CANDIDATES, suggest: true }), variants) });
  },

  'Fuse.js'(variants) {
    const fuse = new Fuse(variants, { keys: ['text'], threshold: 0.6, ignoreLocation: true, includeScore: true });
    return (text) => ({ ids: distinctFaqs(fuse.search(text, { limit: CANDIDATES }).map((hit) => hit.item.id), variants) });
  },

  Orama(variants, lang) {
    const db = create({
      schema: { text: 'string' },
      // The official Mandarin tokenizer (Intl.Segmenter word segmentation) for Chinese,
      // the English stemmer otherwise.
      components: { tokenizer: lang.startsWith('zh') ? createMandarinTokenizer() : { language: 'english', stemming: true } },
    });
    const idOf = new Map();
    const inserted = insertMultiple(db, variants.map((variant) => ({ text: variant.text })), 5000);
    if (inserted instanceof Promise) throw new Error('Orama insertMultiple went asynchronous; the bench expects its synchronous path');
    inserted.forEach((docId, i) => idOf.set(String(docId), i));
    return (text) => {
      const result = search(db, { term: text, limit: CANDIDATES, threshold: 1 });
      if (result instanceof Promise) throw new Error('Orama search went asynchronous');
      return { ids: distinctFaqs(result.hits.map((hit) => idOf.get(String(hit.id))), variants) };
    };
  },

  // The textbook baseline: Okapi BM25 (k1 1.2, b 0.75) over the same tokens, in plain JS.
  'plain JS BM25'(variants) {
    const postings = new Map();
    const lengths = new Float64Array(variants.length);
    for (const variant of variants) {
      const tokens = peerTokens(variant.text);
      lengths[variant.id] = tokens.length;
      const counts = new Map();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, count] of counts) {
        if (!postings.has(token)) postings.set(token, []);
        postings.get(token).push(variant.id, count);
      }
    }
    const averageLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, variants.length);
    const scores = new Float64Array(variants.length);
    return (text) => {
      scores.fill(0);
      const touched = [];
      for (const token of new Set(peerTokens(text))) {
        const list = postings.get(token);
        if (!list) continue;
        const documentFrequency = list.length / 2;
        const idf = Math.log(1 + (variants.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
        for (let i = 0; i < list.length; i += 2) {
          const doc = list[i];
          const tf = list[i + 1];
          if (scores[doc] === 0) touched.push(doc);
          scores[doc] += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * lengths[doc]) / averageLength));
        }
      }
      touched.sort((a, b) => scores[b] - scores[a]);
      return { ids: distinctFaqs(touched.slice(0, CANDIDATES), variants) };
    };
  },
};
