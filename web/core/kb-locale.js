// Per-locale answers and featured questions in a knowledge base (docs/knowledge-base.md,
// "Answers in several languages"). The core reads one answer string per entry, so the
// text for the visitor's locale is chosen here, before the KB reaches it: FaqEngine and
// ChatSession call this at load, the server calls answerFor for its own verdicts. An
// answer is a string (every locale), or an object of locale → text with a "default".
// The widget keeps the default texts in its index and shows a locale's own texts over
// them by FAQ id (answersByLocale), so switching locale needs no new index.

/**
 * The answer text for `locale`: the locale's own text where the entry has one, else its
 * "default". A string answer is every locale's.
 * @param {string|Record<string, string>} answer
 * @param {string} [locale] e.g. "zh-TW"; without one, the default
 */
export function answerFor(answer, locale) {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return answer;
  return locale && typeof answer[locale] === 'string' ? answer[locale] : answer.default;
}

/**
 * The KB as the core reads it: each answer the text for `locale`, no `featured` flags.
 * Text is returned unchanged when nothing needs choosing (or it is not JSON: the core
 * reports the error).
 * @param {string|object} knowledgeBase KB JSON text or object
 * @param {string} [locale]
 * @returns {string} KB JSON text
 */
export function localizeKnowledgeBase(knowledgeBase, locale) {
  const text = typeof knowledgeBase === 'string' ? knowledgeBase : JSON.stringify(knowledgeBase ?? null);
  // Neither field can appear without its name in the text: most KBs skip the parse.
  if (!/"featured"|"answer"\s*:\s*\{/.test(text)) return text;
  let kb;
  try {
    kb = typeof knowledgeBase === 'string' ? JSON.parse(text) : knowledgeBase;
  } catch {
    return text;
  }
  if (!Array.isArray(kb?.faqs)) return text;
  const faqs = kb.faqs.map((faq) => {
    if (faq === null || typeof faq !== 'object') return faq;
    const { featured, ...entry } = faq;
    // A wrong type is left for the core to report with its path (kb_invalid_entry).
    if (featured !== undefined && typeof featured !== 'boolean') entry.featured = featured;
    return entry.answer !== null && typeof entry.answer === 'object' && !Array.isArray(entry.answer) ? { ...entry, answer: answerFor(entry.answer, locale) ?? entry.answer } : entry;
  });
  return JSON.stringify({ ...kb, faqs });
}

/**
 * Each locale's own answer texts by FAQ id: only the entries with a text of their own in
 * that locale (the others give the default, which the index holds).
 * @param {object} kb the parsed KB
 * @returns {Map<string, Record<string, string>>} locale -> {faqId: text}, locales in sorted order
 */
export function answersByLocale(kb) {
  const byLocale = new Map();
  for (const faq of Array.isArray(kb?.faqs) ? kb.faqs : []) {
    const answer = faq?.answer;
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) continue;
    for (const [locale, text] of Object.entries(answer)) {
      if (locale === 'default' || typeof text !== 'string') continue;
      if (!byLocale.has(locale)) byLocale.set(locale, {});
      byLocale.get(locale)[String(faq.id)] = text;
    }
  }
  return new Map([...byLocale.keys()].sort().map((locale) => [locale, byLocale.get(locale)]));
}

/**
 * The entries flagged `featured: true`, in KB order: the home screen's suggested questions.
 * @param {object} kb the parsed KB
 * @returns {{id: string, question: string}[]}
 */
export function featuredQuestions(kb) {
  if (!Array.isArray(kb?.faqs)) return [];
  return kb.faqs.filter((faq) => faq?.featured === true && typeof faq.question === 'string').map((faq) => ({ id: String(faq.id), question: faq.question }));
}
