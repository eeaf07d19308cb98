// Per-locale answers and featured questions in a knowledge base (docs/knowledge-base.md,
// "Answers in several languages"). The core reads one answer string per entry, so the
// text for the visitor's locale is chosen here, before the KB reaches it: FaqEngine and
// ChatSession call this at load, the server calls answerFor for its own verdicts. An
// answer is a string (every locale), or an object of locale → text with a "default".

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
 * The entries flagged `featured: true`, in KB order: the home screen's suggested questions.
 * @param {object} kb the parsed KB
 * @returns {{id: string, question: string}[]}
 */
export function featuredQuestions(kb) {
  if (!Array.isArray(kb?.faqs)) return [];
  return kb.faqs.filter((faq) => faq?.featured === true && typeof faq.question === 'string').map((faq) => ({ id: String(faq.id), question: faq.question }));
}
