import { CoreHandle } from './core-handle.js';
import { unwrapCoreResult } from './core-result.js';
import { KefuError } from './kefu-error.js';
import { loadKefuCore } from './load-core.js';

/** Answers visitor questions from a knowledge base, inside the wasm core. */
export class FaqEngine extends CoreHandle {
  /**
   * @param {object} core the module from loadKefuCore()
   * @param {string|object} knowledgeBase KB JSON text or object
   * @param {object} [options] {limits, thresholds}; see docs/errors.md for the limits
   */
  constructor(core, knowledgeBase, options = {}) {
    if (!core || typeof core.FaqEngine !== 'function') {
      throw new KefuError('invalid_argument', 'FaqEngine needs the core module from loadKefuCore()');
    }
    super(new core.FaqEngine(), 'FaqEngine');
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
    const raw = this.raw;
    if (typeof text !== 'string') throw new KefuError('invalid_argument', 'match() takes the question as a string');
    if (!Number.isInteger(k)) throw new KefuError('invalid_argument', 'k must be an integer');
    return unwrapCoreResult(raw._match(text, k));
  }
}

/** How many engines hold wasm memory right now (for leak tests and diagnostics). */
export function liveFaqEngineCount() {
  return CoreHandle.liveCount('FaqEngine');
}
