// Hot questions: what visitors asked that the bot could not answer (tier `suggest` or
// `handoff`), grouped so that rephrasings of one question count together — the list
// a company works down to grow its knowledge base.
//
// Similarity is the Jaccard index of character bigrams: it needs no word segmentation
// (Chinese has no spaces) and tolerates small rewordings. A question joins the first
// group whose representative is at least `threshold` similar (config
// hotQuestionSimilarity, default 0.5); groups are listed most frequent first.

// Lower-cased, punctuation and spaces dropped: "怎么退款？" and "怎么 退款" are one text.
export function normalizeQuestion(text) {
  return text.toLowerCase().normalize('NFKC').replace(/[\p{P}\p{S}\s]+/gu, '');
}

export function charBigrams(text) {
  const chars = [...normalizeQuestion(text)];
  if (chars.length === 1) return new Set(chars);
  const bigrams = new Set();
  for (let i = 0; i + 1 < chars.length; i += 1) bigrams.add(chars[i] + chars[i + 1]);
  return bigrams;
}

export function jaccard(a, b) {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/**
 * @param {{text: string, tier?: string, at?: number}[]} questions
 * @returns {{question: string, count: number, examples: string[], lastAskedAt: number|null, tiers: object}[]}
 */
export function groupHotQuestions(questions, { threshold = 0.5, maxExamples = 5 } = {}) {
  const groups = [];
  for (const { text, tier, at } of questions) {
    const bigrams = charBigrams(text);
    if (bigrams.size === 0) continue;
    let group = groups.find((candidate) => jaccard(candidate.bigrams, bigrams) >= threshold);
    if (!group) {
      group = { question: text, bigrams, count: 0, examples: [], lastAskedAt: null, tiers: {} };
      groups.push(group);
    }
    group.count += 1;
    if (group.examples.length < maxExamples && !group.examples.includes(text)) group.examples.push(text);
    if (at !== undefined && (group.lastAskedAt === null || at > group.lastAskedAt)) group.lastAskedAt = at;
    if (tier) group.tiers[tier] = (group.tiers[tier] ?? 0) + 1;
  }
  return groups
    .sort((a, b) => b.count - a.count || (b.lastAskedAt ?? 0) - (a.lastAskedAt ?? 0))
    .map(({ bigrams, ...group }) => group);
}
