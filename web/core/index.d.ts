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

/** The loaded wasm module. Opaque: its raw classes take their C++ names; use the classes below. */
export interface KefuCoreModule {
  readonly FaqApi: unknown;
  readonly SessionApi: unknown;
}

export function loadKefuCore(options?: LoadOptions): Promise<KefuCoreModule>;

export interface FaqEntry {
  id: string;
  question: string;
  similar?: string[];
  /** One text for every locale, or texts by locale with the one for the others: {default: '…', 'zh-TW': '…', en: '…'}. */
  answer: string | ({ default: string } & Record<string, string>);
  keywords?: string[];
  category?: string;
  /** Offered on the widget's home screen. */
  featured?: boolean;
}

/** docs/knowledge-base.md; any other field is a `kb_unknown_field` error (nearly always a typo). */
export interface KnowledgeBase {
  /** At least one entry (`kb_empty` otherwise). */
  faqs: FaqEntry[];
  /** Groups of words that mean the same here; each is read as its group's first. */
  synonyms?: string[][];
  name?: string;
  lang?: string;
  $schema?: string;
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
  /** The top FAQ's probability among the best five (softmax at the training temperature) needed for a direct answer. */
  answerConfidence?: number;
  /** Top score at or above which the bot offers "did you mean"; below it hands off. */
  suggest?: number;
}

export interface FaqEngineOptions {
  limits?: KnowledgeBaseLimits;
  thresholds?: TierThresholds;
  /** Which text of a per-locale answer ({default, "zh-TW": …}) the engine answers with; default: "default". */
  locale?: string;
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
  constructor(core: KefuCoreModule, knowledgeBase: string | KnowledgeBase | Uint8Array | ArrayBuffer, options?: FaqEngineOptions);
  static create(knowledgeBase: string | KnowledgeBase | Uint8Array | ArrayBuffer, options?: FaqEngineOptions & { build?: CoreBuild }): Promise<FaqEngine>;
  /** Statistics of the last successful load. */
  stats: { entries: number };
  /** A KB (JSON text or object) or a binary index from exportIndex() / `kefu build-index`. */
  load(knowledgeBase: string | KnowledgeBase | Uint8Array | ArrayBuffer, options?: FaqEngineOptions): { entries: number };
  match(text: string, options?: { k?: number }): MatchResult;
  suggest(prefix: string, options?: { k?: number }): { id: string; question: string }[];
  /** Adds a similar question to a FAQ and updates the index without retraining. */
  teach(faqId: string | number, phrasing: string): { phrasings: number };
  teachAll(lessons: { faqId: string | number; phrasing: string }[]): { phrasings: number };
  /** Removes a similar question from a FAQ (the reverse of teach). */
  untaught(faqId: string | number, phrasing: string): { phrasings: number };
  exportIndex(): Uint8Array;
  memoryStats(): { entries: number; phrasings: number; terms: number; indexBytes: number; heapBytes: number | null };
  dispose(): void;
  readonly disposed: boolean;
}

export function liveFaqEngineCount(): number;

/** A side effect the shell must carry out, in order. See docs/session.md. */
export type SessionEffect =
  /** `frameText` is the frame's JSON text, to send as it is; `frame` parses it on first read. */
  | { type: 'send'; readonly frame: { type: string; [field: string]: unknown }; frameText: string }
  | { type: 'persist'; append: string[] }
  | { type: 'persist'; snapshot: string }
  | { type: 'wake'; at: number }
  | { type: 'connect' }
  | { type: 'disconnect' }
  | { type: 'render' }
  | { type: 'notify'; event: 'message' | 'unread' | 'handoff' | 'error'; detail: Record<string, unknown> };

export type SessionEvent = (
  | { type: 'send_text'; text: string; attachment?: Attachment; now?: number }
  | { type: 'choose_suggestion'; faqId: string; now?: number }
  | { type: 'request_handoff'; now?: number }
  | { type: 'retry'; cmid: string; now?: number }
  | { type: 'rate'; stars: 1 | 2 | 3 | 4 | 5; comment?: string; now?: number }
  | { type: 'leave_message'; message: string; contact?: string; now?: number }
  | { type: 'submit_prechat'; fields: Record<string, string>; now?: number }
  | { type: 'panel'; open: boolean; now?: number }
  | { type: 'new_conversation'; now?: number }
  | { type: 'typing'; on: boolean; now?: number }
  | { type: 'frame'; text: string; now?: number }
  | { type: 'connected' | 'disconnected' | 'timer'; now?: number }
) & {
  /** 1–64 bytes: an event with a key is applied at most once, also across a restore (docs/session.md). */
  key?: string;
};

export type Phase = 'prechat' | 'bot' | 'handoff_requested' | 'queued' | 'with_agent' | 'ended' | 'rated' | 'offline' | 'ticket_submitted';
export type Delivery = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A file uploaded to the server first (POST /attachments, docs/server.md); `text` is its caption. */
export interface Attachment {
  /** SHA-256 of the bytes, hex, as the upload answered. */
  id: string;
  name: string;
  type: 'image/png' | 'image/jpeg' | 'image/webp' | 'application/pdf';
  size: number;
  width?: number;
  height?: number;
}

export interface ViewMessage {
  id: string;
  /** `divider`: where a `new_conversation` began (the messages above are the earlier one's). */
  author: 'visitor' | 'bot' | 'agent' | 'system' | 'divider';
  text: string;
  time: number;
  seq?: number;
  name?: string;
  tier?: MatchTier;
  /** The FAQ a bot answer came from. */
  faqId?: string;
  delivery?: Delivery;
  suggestions?: { faqId: string; question: string }[];
  attachment?: Attachment;
}

export interface SessionView {
  phase: Phase;
  connection: 'online' | 'connecting' | 'offline';
  agent: { name: string; typing: boolean };
  queue: { position: number; etaSeconds: number };
  ratingRequested: boolean;
  ticketId: string;
  offlineHours: string;
  unread: number;
  visitorId: string;
  conversationId: string;
  /** The server's token for this conversation ('' before the first welcome): the credential of its HTTP routes. */
  sessionToken: string;
  messages: ViewMessage[];
}

export interface SessionConfig {
  siteId?: string;
  locale?: string;
  handoffKeywords?: string[];
  /** 1: a question the bot cannot answer starts the hand-off at once; 0: only offer it; N: start on the Nth in a row (default 2). */
  unansweredTurnsBeforeHandoff?: number;
  preChatForm?: boolean;
  maxTextChars?: number;
  outbox?: { maxCount?: number; maxBytes?: number; maxAttempts?: number; maxAgeMs?: number };
}

export class ChatSession {
  constructor(core: KefuCoreModule, options?: { config?: SessionConfig; knowledgeBase?: string | KnowledgeBase });
  static create(options?: { config?: SessionConfig; knowledgeBase?: string | KnowledgeBase; build?: CoreBuild }): Promise<ChatSession>;
  /** The bot's knowledge from a binary index (.kfi), at any time; on error the previous knowledge stays. */
  loadIndex(bytes: Uint8Array): { entries: number };
  startFresh(options?: { seed?: number; visitorId?: string; now?: number }): SessionEffect[];
  restore(stored: { snapshot: string; journal?: string[]; seed?: number; now?: number }): {
    effects: SessionEffect[];
    restoreError: { code: 'snapshot_corrupt' | 'snapshot_version'; message: string } | null;
  };
  handle(event: SessionEvent): SessionEffect[];
  /** Typeahead from the session's knowledge base; none without one. */
  suggest(prefix: string, options?: { k?: number }): { id: string; question: string }[];
  view(): SessionView;
  dispose(): void;
  readonly disposed: boolean;
}

export function liveChatSessionCount(): number;
