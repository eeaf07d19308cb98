// Each site's knowledge base, loaded once at start into the same wasm FAQ engine the
// widget runs, so the server decides what the bot answered instead of trusting the
// visitor's `bot` field: a visitor could otherwise store any text as the bot's reply,
// or file any text as a hot question.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FaqEngine } from '../../web/core/index.js';
import { answerFor, featuredQuestions } from '../../web/core/kb-locale.js';

/** A site's knowledge base could not be read or the core rejected it; the message names
 * the site's config key, the file and the core's error code. */
export class KnowledgeBaseError extends Error {}

export class SiteKnowledge {
  #engines = new Map(); // siteId -> FaqEngine (sites naming one KB file share its engine)
  #owned = new Set();
  #kbs = new Map(); // siteId -> {answers: Map(faqId -> answer as in the KB), featured, questions}
  // siteId -> Map(faqId -> answers given since start): the home screen's "most asked"
  // when a KB features none. In memory: a restart starts the count again.
  #answered = new Map();
  #maxChars;

  /**
   * @param {Record<string, {knowledgeBase: string}>} sites config.sites
   * @param {string} root folder the `knowledgeBase` paths are relative to
   * @param {{maxChars: number}} options the engine judges a text by its first maxChars
   *   code points (config limits.botVerdictChars)
   */
  static async load(sites, root, { maxChars }) {
    const knowledge = new SiteKnowledge(maxChars);
    const byPath = new Map();
    try {
      for (const [siteId, site] of Object.entries(sites)) {
        const path = resolve(root, site.knowledgeBase);
        if (!byPath.has(path)) {
          let text;
          try {
            text = await readFile(path, 'utf8');
          } catch (error) {
            throw new KnowledgeBaseError(`sites.${siteId}.knowledgeBase: cannot read ${site.knowledgeBase} (${error.code ?? error.message})`);
          }
          let engine;
          try {
            // The engine holds each entry's default text; verdict() picks the visitor's.
            engine = await FaqEngine.create(text);
          } catch (error) {
            if (!error.code?.startsWith('kb_')) throw error;
            throw new KnowledgeBaseError(`sites.${siteId}.knowledgeBase: ${site.knowledgeBase}: ${error.code}: ${error.message}`);
          }
          knowledge.#owned.add(engine);
          byPath.set(path, { engine, kb: describe(JSON.parse(text)) });
        }
        knowledge.#engines.set(siteId, byPath.get(path).engine);
        knowledge.#kbs.set(siteId, byPath.get(path).kb);
      }
    } catch (error) {
      knowledge.dispose();
      throw error;
    }
    return knowledge;
  }

  constructor(maxChars) {
    this.#maxChars = maxChars;
  }

  /**
   * The bot's verdict on a visitor's text, as the widget's engine reaches it:
   * `{tier, faqId?, answer?}`. A text the engine refuses (it cannot answer it) is `handoff`.
   * The engine's work grows faster than the text (a 4,000-character Chinese text costs
   * hundreds of ms, 500 characters a few), and here it runs on the server's one thread
   * for anyone who can send a message, so only the first `maxChars` are judged.
   */
  verdict(siteId, text, locale) {
    const engine = this.#engines.get(siteId);
    if (!engine) return { tier: 'handoff' };
    const judged = text.length > this.#maxChars ? [...text].slice(0, this.#maxChars).join('') : text;
    let result;
    try {
      // k as the widget's session asks, so both reach the same tier.
      result = engine.match(judged, { k: 3 });
    } catch {
      return { tier: 'handoff' };
    }
    const best = result.candidates[0];
    if (result.tier === 'answer' && best) {
      const answered = this.#answered.get(siteId) ?? this.#answered.set(siteId, new Map()).get(siteId);
      answered.set(best.id, (answered.get(best.id) ?? 0) + 1);
      const answer = answerFor(this.#kbs.get(siteId)?.answers.get(best.id), locale) ?? best.answer;
      return { tier: 'answer', faqId: best.id, answer };
    }
    return { tier: result.tier };
  }

  /**
   * The home screen's suggested questions: the KB's featured entries, else the ones the
   * bot answered most since the server started, at most `max`.
   * @returns {{id: string, question: string}[]}
   */
  suggestedQuestions(siteId, max) {
    const kb = this.#kbs.get(siteId);
    if (!kb || max === 0) return [];
    if (kb.featured.length > 0) return kb.featured.slice(0, max);
    const counts = [...(this.#answered.get(siteId) ?? new Map())].sort((a, b) => b[1] - a[1]);
    return counts.slice(0, max).map(([id]) => ({ id, question: kb.questions.get(id) }));
  }

  dispose() {
    for (const engine of this.#owned) engine.dispose();
    this.#owned.clear();
    this.#engines.clear();
    this.#kbs.clear();
  }
}

// What the server needs from a KB besides its engine (which has accepted it, so it parses).
function describe(kb) {
  return {
    answers: new Map(kb.faqs.map((faq) => [String(faq.id), faq.answer])),
    questions: new Map(kb.faqs.map((faq) => [String(faq.id), faq.question])),
    featured: featuredQuestions(kb),
  };
}
