// The bot's answers in the visitor's locale (docs/knowledge-base.md, "Answers in several
// languages"). The index the bot answers from holds each answer's default text; a KB
// with texts per locale publishes each locale's own beside it
// (/kb/<siteId>/<version>.<locale>.json, server/kb/locale-answers.js), or brings them in
// its JSON. The widget shows the locale's text by FAQ id over the bot's reply, so
// setLocale changes the answers at once, with no new index, and an entry without a text
// of its own keeps the default.
import { KefuError } from '../core/kefu-error.js';

const FETCH_TIMEOUT_MS = 30_000;

export class LocalizedAnswers {
  #texts = new Map(); // faqId -> the locale's text
  #wanted = ''; // "<version> <locale>" last asked for: a slower earlier answer is dropped
  #onChange;

  /** @param {() => void} onChange the texts changed: the conversation is drawn again */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  /**
   * Takes the texts of `locale` for the index the bot now answers from.
   * @param {{version: string|null, answers?: Map<string, Record<string, string>>}} index
   *   what fetchKnowledgeIndex returned
   * @param {string} locale
   * @param {{versionsUrl: string|null, locales: string[]}} server where the server keeps
   *   each version's files, and the locales it has texts for (the site's profile)
   * @returns {Promise<void>} rejects with a KefuError (kb_load_failed) when the texts
   *   cannot be had: the default texts stay
   */
  async load(index, locale, { versionsUrl, locales }) {
    const wanted = `${index.version} ${locale}`;
    this.#wanted = wanted;
    let texts = {};
    if (index.answers) texts = index.answers.get(locale) ?? {};
    else if (index.version && versionsUrl && locales.includes(locale)) texts = await fetchTexts(new URL(`${index.version}.${locale}.json`, versionsUrl).href);
    if (this.#wanted !== wanted) return;
    this.#texts = new Map(Object.entries(texts).filter(([id, text]) => id && typeof text === 'string'));
    this.#onChange();
  }

  /** The view with each bot answer in the locale's text where it has one. */
  localize(view) {
    if (this.#texts.size === 0) return view;
    return { ...view, messages: view.messages.map((message) => (this.#texts.has(message.faqId) ? { ...message, text: this.#texts.get(message.faqId) } : message)) };
  }
}

async function fetchTexts(url) {
  try {
    const response = await fetch(url, { credentials: 'omit', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { answers } = await response.json();
    return answers !== null && typeof answers === 'object' ? answers : {};
  } catch (error) {
    throw new KefuError('kb_load_failed', `could not load ${url} (${error?.message ?? error})`);
  }
}
