/** Stable error codes from the core and the loader; see docs/errors.md. */
export class KefuError extends Error {
  readonly name: 'KefuError';
  readonly code: string;
  constructor(code: string, message: string);
}

export type CoreBuild = 'release' | 'debug';

export interface LoadOptions {
  /** `debug` has runtime assertions and stack/heap checks; default `release`. */
  build?: CoreBuild;
  /** Where kefu-core.wasm is served from (default: beside the package's dist/). */
  wasmUrl?: string | URL;
  /** Where the Emscripten loader is (kefu-core.mjs in browsers, kefu-core.js in Node). */
  moduleUrl?: string | URL;
}

/** The loaded wasm module. Opaque: use the classes below. */
export interface KefuCoreModule {
  readonly FaqEngine: unknown;
}

export function loadKefuCore(options?: LoadOptions): Promise<KefuCoreModule>;

export interface FaqEntry {
  id: string;
  question: string;
  similar?: string[];
  answer: string;
  keywords?: string[];
  category?: string;
}

export interface KnowledgeBase {
  faqs: FaqEntry[];
  [extra: string]: unknown;
}

export interface KnowledgeBaseLimits {
  maxBytes?: number;
  maxEntries?: number;
  maxSimilarPerEntry?: number;
  maxQuestionChars?: number;
  maxAnswerChars?: number;
}

export interface TierThresholds {
  /** Top score at or above which the bot answers directly. */
  answer?: number;
  /** Top score at or above which the bot offers "did you mean"; below it hands off. */
  suggest?: number;
}

export interface FaqEngineOptions {
  limits?: KnowledgeBaseLimits;
  thresholds?: TierThresholds;
}

export type MatchTier = 'answer' | 'suggest' | 'handoff';

export interface MatchCandidate {
  id: string;
  question: string;
  answer: string;
  score: number;
}

export interface MatchResult {
  tier: MatchTier;
  candidates: MatchCandidate[];
}

export class FaqEngine {
  constructor(core: KefuCoreModule, knowledgeBase: string | KnowledgeBase, options?: FaqEngineOptions);
  static create(knowledgeBase: string | KnowledgeBase, options?: FaqEngineOptions & { build?: CoreBuild }): Promise<FaqEngine>;
  /** Statistics of the last successful load. */
  stats: { entries: number };
  load(knowledgeBase: string | KnowledgeBase, options?: FaqEngineOptions): { entries: number };
  match(text: string, options?: { k?: number }): MatchResult;
  dispose(): void;
  readonly disposed: boolean;
}

export function liveFaqEngineCount(): number;
