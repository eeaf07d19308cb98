import { CoreHandle } from './core-handle.js';
import { unwrapCoreRanks, unwrapCoreResult } from './core-reply.js';
import { KefuError } from './kefu-error.js';
import { localizeKnowledgeBase } from './kb-locale.js';
import { loadKefuCore } from './load-core.js';
import { checkTextAndK } from './query-arguments.js';

/** Answers visitor questions from a knowledge base, inside the wasm core. */
export class FaqEngine extends CoreHandle {
  #core;
  // The loaded KB's entries ({id, question, answer}) by the core's entry index, as the
  // core sends them with the first match that ranks each after a load; later replies
  // carry the index and score only.
  #entries = [];

  /**
   * @param {object} core the module from loadKefuCore()
   * @param {string|object|Uint8Array|ArrayBuffer} knowledgeBase KB JSON text or object, or a
   *   binary index from exportIndex() / `kefu build-index`
   * @param {object} [options] {limits, thresholds}; see docs/knowledge-base.md
   */
  constructor(core, knowledgeBase, options = {}) {
    if (!core || typeof core.FaqApi !== 'function') {
      throw new KefuError('invalid_argument', 'FaqEngine needs the core module from loadKefuCore()');
    }
    super(new core.FaqApi(), 'FaqEngine');
    this.#core = core;
    try {
      this.stats = this.load(knowledgeBase, options);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Loads the core (once) and builds an engine; the usual way in. */
  static async create(knowledgeBase, options = {}) {
    const core = await loadKefuCore({ build: options.build });
    return new FaqEngine(core, knowledgeBase, options);
  }

  /** Replaces the knowledge base. On error the previous one stays in service. */
  load(knowledgeBase, options = {}) {
    const raw = this.raw;
    const { limits, thresholds, locale } = options;
    let stats;
    if (knowledgeBase instanceof ArrayBuffer || ArrayBuffer.isView(knowledgeBase)) {
      const bytes = knowledgeBase instanceof Uint8Array ? knowledgeBase : new Uint8Array(knowledgeBase.buffer ?? knowledgeBase, knowledgeBase.byteOffset ?? 0, knowledgeBase.byteLength);
      // Written straight into the room the core makes for them: a view into the wasm heap,
      // filled before anything else runs in the module (which could grow and detach it).
      raw._indexInbox(bytes.length).set(bytes);
      stats = unwrapCoreResult(raw._loadReceivedIndex(JSON.stringify({ thresholds })));
    } else {
      const kbText = localizeKnowledgeBase(knowledgeBase, locale);
      stats = unwrapCoreResult(raw._loadKnowledgeBase(kbText, JSON.stringify({ limits, thresholds })));
    }
    // Only once the new KB is in: a failed load keeps the old one, and its entries.
    this.#entries = [];
    return stats;
  }

  /**
   * Teaches the loaded KB a new similar question for a FAQ (a visitor's phrasing an agent
   * resolved), updating the index without retraining it; exportIndex() includes it.
   * @returns {{phrasings: number}} the KB's phrasings now
   */
  teach(faqId, phrasing) {
    return this.teachAll([{ faqId, phrasing }]);
  }

  /** teach() for many phrasings in one step: the index is updated once, all or none. */
  teachAll(lessons) {
    const raw = this.raw;
    return unwrapCoreResult(raw._teach(JSON.stringify(lessonsOf(lessons))));
  }

  /** Removes a phrasing teach() added (any similar question of the FAQ) from the KB and the index. */
  untaught(faqId, phrasing) {
    const raw = this.raw;
    return unwrapCoreResult(raw._untaught(JSON.stringify(lessonsOf([{ faqId, phrasing }]))));
  }

  /** The loaded KB with its built index, as bytes to ship and load() later (a .kfi file). */
  exportIndex() {
    const raw = this.raw;
    unwrapCoreResult(raw._exportIndex());
    // A view into the wasm heap: copy before anything else runs in the module.
    return raw._exportedIndexView().slice();
  }

  /**
   * Typeahead while the visitor types: KB questions, best first.
   * @returns {{id: string, question: string}[]}
   */
  suggest(prefix, { k = 5 } = {}) {
    const raw = this.raw;
    checkTextAndK('suggest() takes the typed text as a string', prefix, k);
    return unwrapCoreResult(raw._suggest(prefix, k)).suggestions;
  }

  /** What the loaded index holds and costs: entries, phrasings, terms, indexBytes, heapBytes. */
  memoryStats() {
    const stats = unwrapCoreResult(this.raw._stats());
    return { ...stats, heapBytes: this.#core.HEAPU8 ? this.#core.HEAPU8.byteLength : null };
  }

  /**
   * @param {string} text the visitor's question
   * @param {{k?: number}} [options] how many candidates (1..50, default 5)
   * @returns {{tier: 'answer'|'suggest'|'handoff', candidates: {id: string, question: string, answer: string, score: number}[]}}
   */
  match(text, { k = 5 } = {}) {
    const raw = this.raw;
    checkTextAndK('match() takes the question as a string', text, k);
    return unwrapCoreRanks(raw._matchRanks(text, k), this.#entries);
  }
}

// FAQ ids may be numbers in a KB file; the core keeps them as strings.
function lessonsOf(lessons) {
  if (!Array.isArray(lessons)) throw new KefuError('invalid_argument', 'teachAll() takes an array of {faqId, phrasing}');
  return lessons.map(({ faqId, phrasing } = {}) => ({ faqId: typeof faqId === 'number' ? String(faqId) : faqId, phrasing }));
}

/** How many engines hold wasm memory right now (for leak tests and diagnostics). */
export function liveFaqEngineCount() {
  return CoreHandle.liveCount('FaqEngine');
}
