import { CoreHandle } from './core-handle.js';
import { unwrapCoreEffects, unwrapCoreEffectsReply, unwrapCoreResult } from './core-result.js';
import { KefuError } from './kefu-error.js';
import { loadKefuCore } from './load-core.js';
import { checkTextAndK } from './query-arguments.js';

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();
// Lone surrogates take the Embind path, which has always decided what they become;
// TextEncoder would turn them into U+FFFD instead. Without isWellFormed (older
// browsers), every event takes that path.
const canEncodeDirectly =
  typeof String.prototype.isWellFormed === 'function' ? (text) => text.isWellFormed() : () => false;
// The longest visitor text sent directly: its event's JSON stays within the core's 256 KiB
// event limit even if every character were escaped, so longer (rejected) texts get the
// error the JSON path gives them.
const MAX_DIRECT_TEXT = 16384;
// The longest frame sent directly: longer ones are over the core's 64 KiB frame limit
// anyway, and the input buffer, which is kept, stays small.
const MAX_DIRECT_FRAME = 65536;
// The direct path reads the core's memory through Module.HEAPU8, which Emscripten 3.1.6
// exports by default and newer releases only when asked (EXPORTED_RUNTIME_METHODS); a
// core without it takes the Embind path for every event.

/**
 * The conversation brain in the wasm core, sans-I/O: feed it events, carry out the
 * effects it returns (send a frame, persist records, wake it at a time, connect).
 * docs/session.md lists the events and effects.
 */
export class ChatSession extends CoreHandle {
  #core;
  #address = 0;

  /**
   * @param {object} core the module from loadKefuCore()
   * @param {{config?: object, knowledgeBase?: string|object}} [options]
   */
  constructor(core, { config = {}, knowledgeBase } = {}) {
    if (!core || typeof core.ChatSession !== 'function') {
      throw new KefuError('invalid_argument', 'ChatSession needs the core module from loadKefuCore()');
    }
    super(new core.ChatSession(), 'ChatSession');
    this.#core = core;
    try {
      const kbText = knowledgeBase === undefined ? '' : typeof knowledgeBase === 'string' ? knowledgeBase : JSON.stringify(knowledgeBase);
      unwrapCoreResult(this.raw._configure(JSON.stringify(config), kbText));
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  static async create(options = {}) {
    return new ChatSession(await loadKefuCore({ build: options.build }), options);
  }

  /** A new visitor. `seed` should come from crypto.getRandomValues; returns effects. */
  startFresh({ seed = randomSeed(), visitorId = '', now = Date.now() } = {}) {
    return unwrapCoreEffects(this.raw._startFresh(seed, visitorId, now));
  }

  /**
   * After a reload, from what the shell stored. A corrupt store starts a fresh session:
   * `restoreError` then says why ({code: 'snapshot_corrupt' | 'snapshot_version'}).
   * @returns {{effects: object[], restoreError: {code: string, message: string} | null}}
   */
  restore({ snapshot, journal = [], seed = randomSeed(), now = Date.now() }) {
    if (typeof snapshot !== 'string' || !Array.isArray(journal)) {
      throw new KefuError('invalid_argument', 'restore needs {snapshot: string, journal: string[]}');
    }
    return unwrapCoreEffectsReply(this.raw._restore(snapshot, JSON.stringify(journal), seed, now));
  }

  /**
   * @param {{type: string, now?: number}} event e.g. {type: 'send_text', text}
   * @returns {object[]} effects; a rejected event throws a KefuError and changes nothing
   */
  handle(event) {
    if (!event || typeof event.type !== 'string') throw new KefuError('invalid_argument', 'an event is {type, ...}');
    // Frames, the commonest event, skip the event wrapper: no escaping, one parse.
    if (event.type === 'frame' && typeof event.text === 'string' && (event.now === undefined || typeof event.now === 'number')) {
      const now = event.now ?? Date.now();
      if (this.#canCallDirectly(event.text, MAX_DIRECT_FRAME)) return unwrapCoreEffects(this.#callDirectly(this.#core._kefu_session_frame, event.text, now));
      return unwrapCoreEffects(utf8.decode(this.raw._frameView(event.text, now)));
    }
    // The visitor's text, next commonest: the same reply as its event's JSON would get.
    // A keyed one (another tab's, forwarded) needs the core's key check: it takes the JSON.
    if (event.type === 'send_text' && event.key === undefined && typeof event.text === 'string' && Number.isSafeInteger(event.now) && event.now >= 0 &&
        this.#canCallDirectly(event.text, MAX_DIRECT_TEXT)) {
      return unwrapCoreEffects(this.#callDirectly(this.#core._kefu_session_send_text, event.text, event.now));
    }
    // An event stamped by the caller is sent as it is: no copy to add the time.
    const text = typeof event.now === 'number' ? JSON.stringify(event) : JSON.stringify({ now: Date.now(), ...event });
    return unwrapCoreEffects(utf8.decode(this.raw._handleView(text)));
  }

  #canCallDirectly(text, maxLength) {
    return Boolean(this.#core.HEAPU8) && text.length <= maxLength && canEncodeDirectly(text);
  }

  // One of the core's plain session exports (wasm/bindings/session_helpers.h): the text is
  // encoded straight into the core's input buffer and the reply decoded from the heap.
  #callDirectly(exported, text, now) {
    const raw = this.raw; // throws once disposed
    if (this.#address === 0) this.#address = raw._address();
    const core = this.#core;
    const room = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    const { written } = utf8Encoder.encodeInto(text, inputView(core, room));
    const reply = exported(this.#address, written, now);
    // Read HEAPU8 after each call into the core: growing memory replaces it.
    return utf8.decode(core.HEAPU8.subarray(reply, reply + core._kefu_session_reply_size()));
  }

  /**
   * Typeahead from the session's own knowledge base, so the widget need not build a
   * second FaqEngine from the same KB. No KB: no suggestions.
   * @returns {{id: string, question: string}[]}
   */
  suggest(prefix, { k = 5 } = {}) {
    checkTextAndK('suggest() takes the typed text as a string', prefix, k);
    return unwrapCoreResult(this.raw._suggest(prefix, k)).suggestions;
  }

  /** Everything the UI draws. */
  view() {
    return unwrapCoreResult(utf8.decode(this.raw._viewView())).view;
  }
}

// The core's input buffer (one per core, shared by its sessions) as a view, kept while
// it is big enough and the heap has not grown: asking the core for it and making a view
// for every event was a wasm call and an allocation each time.
const inputViews = new WeakMap();
function inputView(core, room) {
  const view = inputViews.get(core);
  // A longer view is as good: the buffer holds it, and encodeInto says what it wrote.
  if (view !== undefined && view.length >= room && view.buffer === core.HEAPU8.buffer) return view;
  const input = core._kefu_session_input(room);
  const fresh = core.HEAPU8.subarray(input, input + room);
  inputViews.set(core, fresh);
  return fresh;
}

// 53 random bits: as much as a JS number carries exactly.
function randomSeed() {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

export function liveChatSessionCount() {
  return CoreHandle.liveCount('ChatSession');
}
