import { unwrapCoreResult } from './core-result.js';
import { KefuError } from './kefu-error.js';
import { loadKefuCore } from './load-core.js';

let liveHandles = 0;

// Backstop for callers who forget dispose(): the wasm-side engine is freed when the
// JS object is collected. The held value is the raw handle, never `this`, so the
// registry does not keep the wrapper alive.
const handleRegistry = new FinalizationRegistry((rawHandle) => {
  liveHandles -= 1;
  rawHandle.delete();
});

/** Answers visitor questions from a knowledge base, inside the wasm core. */
export class FaqEngine {
  #raw;

  /**
   * @param {object} core the module from loadKefuCore()
   * @param {string|object} knowledgeBase KB JSON text or object
   * @param {object} [options] {limits, thresholds}; see docs/knowledge-base.md
   */
  constructor(core, knowledgeBase, options = {}) {
    if (!core || typeof core.FaqEngine !== 'function') {
      throw new KefuError('invalid_argument', 'FaqEngine needs the core module from loadKefuCore()');
    }
    this.#raw = new core.FaqEngine();
    liveHandles += 1;
    handleRegistry.register(this, this.#raw, this);
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
    const raw = this.#live();
    const kbText = typeof knowledgeBase === 'string' ? knowledgeBase : JSON.stringify(knowledgeBase ?? null);
    const { limits, thresholds } = options;
    return unwrapCoreResult(raw._loadKnowledgeBase(kbText, JSON.stringify({ limits, thresholds })));
  }

  /**
   * @param {string} text the visitor's question
   * @param {{k?: number}} [options] how many candidates (1..50, default 5)
   * @returns {{tier: 'answer'|'suggest'|'handoff', candidates: {id: string, question: string, answer: string, score: number}[]}}
   */
  match(text, { k = 5 } = {}) {
    const raw = this.#live();
    if (typeof text !== 'string') throw new KefuError('invalid_argument', 'match() takes the question as a string');
    if (!Number.isInteger(k)) throw new KefuError('invalid_argument', 'k must be an integer');
    return unwrapCoreResult(raw._match(text, k));
  }

  /** Frees the wasm memory now. Safe to call twice; any later call throws `disposed`. */
  dispose() {
    if (!this.#raw) return;
    handleRegistry.unregister(this);
    this.#raw.delete();
    this.#raw = null;
    liveHandles -= 1;
  }

  get disposed() {
    return this.#raw === null;
  }

  #live() {
    if (!this.#raw) throw new KefuError('disposed', 'this FaqEngine was disposed');
    return this.#raw;
  }
}

/** How many engines hold wasm memory right now (for leak tests and diagnostics). */
export function liveFaqEngineCount() {
  return liveHandles;
}
