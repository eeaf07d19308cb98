// Each site's knowledge base, loaded once at start into the same wasm FAQ engine the
// widget runs, so the server decides what the bot answered instead of trusting the
// visitor's `bot` field: a visitor could otherwise store any text as the bot's reply,
// or file any text as a hot question.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FaqEngine } from '../../web/core/index.js';

/** A site's knowledge base could not be read or the core rejected it; the message names
 * the site's config key, the file and the core's error code. */
export class KnowledgeBaseError extends Error {}

export class SiteKnowledge {
  #engines = new Map(); // siteId -> FaqEngine (sites naming one KB file share its engine)
  #owned = new Set();
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
            engine = await FaqEngine.create(text);
          } catch (error) {
            if (!error.code?.startsWith('kb_')) throw error;
            throw new KnowledgeBaseError(`sites.${siteId}.knowledgeBase: ${site.knowledgeBase}: ${error.code}: ${error.message}`);
          }
          knowledge.#owned.add(engine);
          byPath.set(path, engine);
        }
        knowledge.#engines.set(siteId, byPath.get(path));
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
  verdict(siteId, text) {
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
    if (result.tier === 'answer' && best) return { tier: 'answer', faqId: best.id, answer: best.answer };
    return { tier: result.tier };
  }

  /**
   * Agent assist: the engine's best `k` FAQ matches for a visitor's text, with the tier
   * the bot would give it and each candidate's score (the same engine and cut as verdict).
   * @returns {{tier: string, matches: {faqId: string, question: string, answer: string, score: number}[]}}
   */
  matches(siteId, text, k) {
    const engine = this.#engines.get(siteId);
    if (!engine) return { tier: 'handoff', matches: [] };
    const judged = text.length > this.#maxChars ? [...text].slice(0, this.#maxChars).join('') : text;
    try {
      const result = engine.match(judged, { k });
      return { tier: result.tier, matches: result.candidates.map((c) => ({ faqId: c.id, question: c.question, answer: c.answer, score: c.score })) };
    } catch {
      return { tier: 'handoff', matches: [] };
    }
  }

  dispose() {
    for (const engine of this.#owned) engine.dispose();
    this.#owned.clear();
    this.#engines.clear();
  }
}
