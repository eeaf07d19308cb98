import { CoreHandle } from './core-handle.js';
import { unwrapCoreEffects, unwrapCoreEffectsReply, unwrapCoreResult } from './core-reply.js';
import { KefuError } from './kefu-error.js';
import { localizeKnowledgeBase } from './kb-locale.js';
import { loadKefuCore } from './load-core.js';
import { checkTextAndK } from './query-arguments.js';

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();
// Lone surrogates in the visitor's text take the event door, whose JSON escapes them,
// which has always decided what they become; TextEncoder would turn them into U+FFFD
// instead. Without isWellFormed (older browsers), every send_text takes that door.
const isWellFormed =
  typeof String.prototype.isWellFormed === 'function' ? (text) => text.isWellFormed() : () => false;
// The longest visitor text sent through its own door: its event's JSON stays within the
// core's 256 KiB event limit even if every character were escaped, so longer (rejected)
// texts get the error the event door gives them.
const MAX_DIRECT_TEXT = 16384;

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
    if (!core || typeof core.SessionApi !== 'function' || !core.HEAPU8) {
      throw new KefuError('invalid_argument', 'ChatSession needs the core module from loadKefuCore()');
    }
    super(new core.SessionApi(), 'ChatSession');
    this.#core = core;
    try {
      // The bot answers in the session's locale where the KB has that language.
      const kbText = knowledgeBase === undefined ? '' : localizeKnowledgeBase(knowledgeBase, config.locale);
      unwrapCoreResult(this.raw._configure(JSON.stringify(config), kbText));
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /**
   * The bot's knowledge from a binary index (.kfi bytes from the server, `kefu build-index`
   * or FaqEngine.exportIndex()), loaded without training, at any time after construction:
   * a conversation need not wait for its index. On error (kb_index_version,
   * kb_index_corrupt) the knowledge the session had stays.
   * @param {Uint8Array} bytes
   * @returns {{entries: number}}
   */
  loadIndex(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new KefuError('invalid_argument', 'loadIndex takes the index as a Uint8Array');
    const raw = this.raw;
    // Written straight into the room the core makes for them (as FaqEngine.load does): a
    // view into the wasm heap, filled before anything else runs in the module.
    raw._indexInbox(bytes.length).set(bytes);
    return unwrapCoreResult(raw._loadReceivedIndex());
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
    // One door per event (docs/architecture.md). Frames, the commonest event, have their
    // own: no event wrapper, no escaping, one parse.
    if (event.type === 'frame' && typeof event.text === 'string' && (event.now === undefined || typeof event.now === 'number')) {
      return unwrapCoreEffects(this.#call(this.#core._kefu_session_frame, event.text, event.now ?? Date.now()));
    }
    // The visitor's text, next commonest, has its own too. A keyed one (another tab's,
    // forwarded) needs the core's key check, which is the event door's.
    if (event.type === 'send_text' && event.key === undefined && typeof event.text === 'string' && Number.isSafeInteger(event.now) &&
        event.now >= 0 && event.text.length <= MAX_DIRECT_TEXT && isWellFormed(event.text)) {
      return unwrapCoreEffects(this.#call(this.#core._kefu_session_send_text, event.text, event.now));
    }
    // Every other event: its JSON. An event stamped by the caller is sent as it is: no
    // copy to add the time.
    const text = typeof event.now === 'number' ? JSON.stringify(event) : JSON.stringify({ now: Date.now(), ...event });
    return unwrapCoreEffects(this.#call(this.#core._kefu_session_event, text));
  }

  // One of the core's plain session exports (wasm/bindings/session_bindings.cpp): `text`
  // is encoded straight into the core's input buffer and the reply decoded from the heap.
  #call(exported, text, now) {
    const address = this.#sessionAddress();
    const core = this.#core;
    const room = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    const { written } = utf8Encoder.encodeInto(text, inputView(core, room));
    return this.#reply(exported(address, written, now));
  }

  // The reply at `pointer`, kept in the core until the session's next call. HEAPU8 is
  // read after each call into the core: growing memory replaces it.
  #reply(pointer) {
    const core = this.#core;
    return utf8.decode(core.HEAPU8.subarray(pointer, pointer + core._kefu_session_reply_size()));
  }

  #sessionAddress() {
    const raw = this.raw; // throws once disposed
    if (this.#address === 0) this.#address = raw._address();
    return this.#address;
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
    return unwrapCoreResult(this.#reply(this.#core._kefu_session_view(this.#sessionAddress()))).view;
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
