// One site's hot questions, grouped as they are filed: a question joins the oldest
// group whose first question has character-bigram Jaccard similarity ≥ `threshold`,
// else it starts a group. An inverted index (bigram -> groups) finds the candidates,
// so filing costs the postings of the question's bigrams, not a pass over every
// question ever filed; the report sorts the groups (n log n) and sends one page.
//
// Bigrams need no word segmentation (Chinese has no spaces) and tolerate small
// rewordings. Texts are cut to `maxChars` code points first: a hot question is a
// question, and the cut bounds both the work per filing and the size of a group.

const DAY_MS = 86_400_000;
// A group keeps its counts per day for this many days (the console's trend).
export const TREND_DAYS = 14;

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

export class QuestionGroups {
  #threshold;
  #maxGroups;
  #maxChars;
  #maxExamples;
  #groups = new Map(); // group number -> {group, bigrams}
  #postings = new Map(); // bigram -> Set of group numbers
  #nextNumber = 1;

  /** @param {{threshold: number, maxGroups: number, maxChars: number, maxExamples?: number}} options */
  constructor({ threshold, maxGroups, maxChars, maxExamples = 5 }) {
    this.#threshold = threshold;
    this.#maxGroups = maxGroups;
    this.#maxChars = maxChars;
    this.#maxExamples = maxExamples;
  }

  /** A group as stored and reported: {number, question, count, examples, lastAskedAt, tiers}; replaces one of its number. */
  restore(group) {
    if (this.#groups.has(group.number)) this.remove(group.number);
    this.#add(group);
    this.#nextNumber = Math.max(this.#nextNumber, group.number + 1);
  }

  /** New groups are numbered from `number` on at least (numbers another instance has given out). */
  reserveNumbers(number) {
    this.#nextNumber = Math.max(this.#nextNumber, number);
  }

  /** Forgets a group (evicted, here or by another instance); nothing when it is not here. */
  remove(number) {
    const entry = this.#groups.get(number);
    if (!entry) return;
    for (const bigram of entry.bigrams) {
      const numbers = this.#postings.get(bigram);
      numbers.delete(number);
      if (numbers.size === 0) this.#postings.delete(bigram);
    }
    this.#groups.delete(number);
  }

  /**
   * Files one question. Returns the group it changed (to store) and the number of a
   * group dropped to stay within `maxGroups` (or null): the one asked least, longest ago.
   * @returns {{group: object, evicted: number|null}|null} null for a text with nothing to compare
   */
  file({ text, tier, at }) {
    const cut = [...text].slice(0, this.#maxChars).join('');
    const bigrams = charBigrams(cut);
    if (bigrams.size === 0) return null;
    let entry = this.#match(bigrams);
    let evicted = null;
    if (!entry) {
      if (this.#groups.size >= this.#maxGroups) evicted = this.#evictOne();
      entry = this.#add({ number: this.#nextNumber++, question: cut, count: 0, examples: [], lastAskedAt: null, tiers: {} }, bigrams);
    }
    const { group } = entry;
    group.count += 1;
    if (group.examples.length < this.#maxExamples && !group.examples.includes(cut)) group.examples.push(cut);
    if (at !== undefined && (group.lastAskedAt === null || at > group.lastAskedAt)) group.lastAskedAt = at;
    if (tier) group.tiers[tier] = (group.tiers[tier] ?? 0) + 1;
    if (at !== undefined) this.#countDay(group, at);
    return { group: structuredClone(group), evicted };
  }

  // Per-UTC-day counts for the console's daily view and trend; only the last
  // TREND_DAYS are kept, so a group's record stays small however long it lives.
  #countDay(group, at) {
    const day = new Date(Math.floor(at / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    const days = { ...(group.days ?? {}), [day]: (group.days?.[day] ?? 0) + 1 };
    const oldestKept = new Date(Math.floor(at / DAY_MS) * DAY_MS - (TREND_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
    group.days = Object.fromEntries(Object.entries(days).filter(([d]) => d >= oldestKept));
  }

  /** Most asked first (then most recent); `total` groups, `questions` filed in them. */
  page({ offset = 0, limit }) {
    const all = [...this.#groups.values()].map((entry) => entry.group);
    all.sort((a, b) => b.count - a.count || (b.lastAskedAt ?? 0) - (a.lastAskedAt ?? 0) || a.number - b.number);
    const questions = all.reduce((sum, group) => sum + group.count, 0);
    return { total: all.length, questions, groups: all.slice(offset, offset + limit).map(({ number, ...group }) => structuredClone(group)) };
  }

  get size() {
    return this.#groups.size;
  }

  #add(group, bigrams = charBigrams(group.question)) {
    const entry = { group, bigrams };
    this.#groups.set(group.number, entry);
    for (const bigram of bigrams) {
      if (!this.#postings.has(bigram)) this.#postings.set(bigram, new Set());
      this.#postings.get(bigram).add(group.number);
    }
    return entry;
  }

  // Counts the bigrams each group shares with the question through the postings, then
  // takes the oldest group (lowest number) at or over the threshold, as a linear scan
  // over the groups in filing order would.
  #match(bigrams) {
    const shared = new Map();
    for (const bigram of bigrams) {
      for (const number of this.#postings.get(bigram) ?? []) shared.set(number, (shared.get(number) ?? 0) + 1);
    }
    let best = null;
    for (const [number, count] of shared) {
      const entry = this.#groups.get(number);
      const similarity = count / (bigrams.size + entry.bigrams.size - count);
      if (similarity >= this.#threshold && (best === null || number < best.group.number)) best = entry;
    }
    return best;
  }

  #evictOne() {
    let victim = null;
    for (const { group } of this.#groups.values()) {
      if (victim === null || group.count < victim.count || (group.count === victim.count && (group.lastAskedAt ?? 0) < (victim.lastAskedAt ?? 0))) victim = group;
    }
    this.remove(victim.number);
    return victim.number;
  }
}
