// The imperative shell around the sans-I/O session core (docs/session.md): it feeds the
// core events stamped with the time and carries out the effects the core returns, in
// order — frames to the socket, records to storage, one wake-up timer, connect and
// disconnect, redraws and host-page events. Only the leader tab runs one.
import { ChatSession } from '../core/chat-session.js';
import { ChatTransport, REFUSALS } from './chat-transport.js';
import { WakeTimer } from './wake-timer.js';
import { PageContext } from './page-context.js';

const REFUSAL_MESSAGES = {
  origin_not_allowed: "the chat server does not allow this page's origin (the site's allowedOrigins)",
  unknown_site: 'the chat server has no site with this siteId',
};

export class SessionShell {
  #session;
  #storage;
  #transport;
  #timer;
  #handlers;
  #writes = Promise.resolve();
  #stopped = false;
  #page;
  #welcomed = false; // the server answered this connection's hello: other frames may follow
  #helloFields = {}; // what ChatTransport adds to hello (identity, attributes)
  #loadVersion;
  // The visitor's events while the bot's index is on its way, applied once it is loaded
  // (or could not be): a question asked early is answered, not handed to people.
  #held = null;
  #knowledgeLoads = Promise.resolve(); // one index load at a time, in order
  #loadsPending = 0;
  #knowledgeVersion = null; // the version loaded
  #namedVersion = null; // the version the last welcome named

  /**
   * @param {{core: object, knowledge?: Promise<{bytes: Uint8Array, version: string|null}|null>,
   *   loadVersion?: (version: string) => Promise<{bytes: Uint8Array, version: string}|null>,
   *   config: object, storage: import('./chat-storage.js').ChatStorage, serverUrl: string, Socket?: typeof WebSocket}} options
   *   knowledge: the site's index on its way (null: it could not be had, the bot stays
   *   silent); loadVersion fetches the version a welcome names, when it is not the one held
   * @param {{onRender: (view: object) => void, onNotify: (event: string, detail: object) => void,
   *   onStorageError: (error: unknown) => void}} handlers
   */
  constructor({ core, knowledge, loadVersion, config, storage, serverUrl, Socket }, handlers) {
    this.#session = new ChatSession(core, { config });
    this.#storage = storage;
    this.#handlers = handlers;
    this.#loadVersion = loadVersion ?? null;
    this.#timer = new WakeTimer(() => this.#feed({ type: 'timer' }));
    this.#transport = new ChatTransport(
      serverUrl,
      {
        onOpen: () => {
          this.#welcomed = false;
          this.#feed({ type: 'connected' });
        },
        onFrame: (text) => {
          if (!this.#welcomed && text.includes('"type":"welcome"')) this.#welcomed = true;
          this.#onFrame(text);
        },
        onClose: () => {
          this.#welcomed = false;
          this.#feed({ type: 'disconnected' });
        },
        // Not a lost line for the core to retry: the page is told once, and the
        // transport stays shut whatever the core asks of it.
        onRefused: (code) => this.#handlers.onNotify('error', { code, message: REFUSAL_MESSAGES[code] }),
      },
      Socket,
    );
    // The console shows where the visitor is: on hello, and as they move around the site.
    this.#page = new PageContext((page) => {
      this.#transport.setPage(page);
      if (this.#welcomed) this.#transport.send({ type: 'page', page });
    });
    this.#transport.setPage(this.#page.page);
    if (knowledge) this.#awaitKnowledge(() => knowledge);
  }

  /** Picks up the stored conversation, or starts one; then connects. */
  async start() {
    const stored = await this.#storage.load().catch(() => ({ snapshot: null, journal: [] }));
    if (this.#stopped) return;
    if (stored.snapshot) {
      const { effects, restoreError } = this.#session.restore({ snapshot: stored.snapshot, journal: stored.journal });
      if (restoreError) this.#handlers.onNotify('error', restoreError);
      this.#carryOut(effects);
    } else {
      this.#carryOut(this.#session.startFresh());
    }
  }

  /**
   * A visitor or host-page event; a rejected one throws a KefuError and changes nothing.
   * While the index is on its way the event waits for it (a rejection is then notified).
   */
  dispatch(event) {
    if (this.#held) this.#held.push(event);
    else this.#apply(event);
  }

  #apply(event) {
    this.#carryOut(this.#session.handle({ ...event, now: Date.now() }));
  }

  view() {
    return this.#session.view();
  }

  suggest(prefix, k) {
    return this.#session.suggest(prefix, { k });
  }

  /** Resolves once everything persisted so far is written. */
  settled() {
    return this.#writes;
  }

  /** @param {{identity?: object, attributes?: Record<string, string>}} fields added to every hello */
  setHelloFields(fields) {
    // Another tab repeats what this one has (a new follower, a leader change): no reconnect for that.
    if (JSON.stringify(fields) === JSON.stringify(this.#helloFields)) return;
    this.#helloFields = fields;
    this.#transport.setHelloFields(fields);
    // hello carries them, so a connection made before they changed is remade.
    if (this.#transport.state === 'open' || this.#transport.state === 'opening') {
      this.#transport.close();
      this.#feed({ type: 'disconnected' });
    }
  }

  /**
   * The network came back or the tab became visible: try now instead of waiting out
   * the backoff. The core accepts an early `connected`.
   */
  nudge() {
    if (this.#transport.state === 'idle' && !this.#stopped) this.#transport.open();
  }

  stop() {
    // What the visitor sent while the index was on its way is kept, without the bot.
    if (this.#held) this.#releaseHeld();
    this.#stopped = true;
    this.#page.dispose();
    this.#timer.cancel();
    this.#transport.close();
    this.#session.dispose();
  }

  #feed(event) {
    if (this.#stopped) return;
    try {
      this.#apply(event);
    } catch (error) {
      // A malformed or out-of-place frame from the server changes nothing in the core;
      // the conversation carries on. Anything else is worth telling the host page.
      if (error?.code === 'not_welcomed') this.#beforeWelcome(event);
      else if (!String(error?.code).startsWith('frame_') && error?.code !== 'event_invalid_in_state') {
        this.#handlers.onNotify('error', { code: error?.code ?? 'internal', message: String(error?.message ?? error) });
      }
    }
  }

  // A welcome names the site's current index: a new version (published while this page
  // was open) is loaded for the conversation that starts, before the visitor's next turn.
  #onFrame(text) {
    if (this.#loadVersion && text.startsWith('{"type":"welcome"')) {
      let version;
      try {
        version = JSON.parse(text).kbVersion;
      } catch {
        version = undefined; // the core says what is wrong with it
      }
      if (typeof version === 'string' && version !== this.#namedVersion) {
        this.#namedVersion = version;
        // Decided once the loads before it are done: usually the first one brought it.
        this.#awaitKnowledge(() => (version === this.#knowledgeVersion ? null : this.#loadVersion(version)));
      }
    }
    this.#feed({ type: 'frame', text });
  }

  #awaitKnowledge(load) {
    this.#held ??= [];
    this.#loadsPending += 1;
    const notifyError = (error) => this.#handlers.onNotify('error', { code: error?.code ?? 'kb_load_failed', message: String(error?.message ?? error) });
    this.#knowledgeLoads = this.#knowledgeLoads
      .then(load)
      .catch((error) => {
        notifyError(error);
        return null;
      })
      .then((knowledge) => {
        this.#loadsPending -= 1;
        let loaded = null;
        if (knowledge && !this.#stopped) {
          try {
            loaded = { version: knowledge.version, faqs: this.#session.loadIndex(knowledge.bytes).entries };
            this.#knowledgeVersion = knowledge.version;
          } catch (error) {
            notifyError(error); // a broken index silences the bot (or keeps the last one)
          }
        }
        // The held events first: the page hears kb_ready once the bot has answered them.
        if (this.#loadsPending === 0) this.#releaseHeld();
        if (loaded) this.#handlers.onNotify('kb_ready', loaded);
      });
  }

  #releaseHeld() {
    const held = this.#held ?? [];
    this.#held = null;
    for (const event of held) {
      if (this.#stopped) return;
      try {
        this.#apply(event);
      } catch (error) {
        this.#handlers.onNotify('error', { code: error?.code ?? 'internal', message: String(error?.message ?? error) });
      }
    }
  }

  // The core takes nothing before `welcome`, but the server answers a refused hello with
  // an error frame (rate_limited, …) and the page should hear that code. A refusal for
  // good is reported by the transport when the close that follows it arrives.
  #beforeWelcome(event) {
    let frame = null;
    try {
      frame = JSON.parse(event.text);
    } catch {
      return;
    }
    if (frame?.type === 'error' && typeof frame.code === 'string' && !REFUSALS.has(frame.code)) {
      this.#handlers.onNotify('error', { code: frame.code, message: String(frame.message ?? '') });
    }
  }

  #carryOut(effects) {
    let render = false;
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.#transport.send(effect.frameText ?? effect.frame);
          break;
        case 'persist':
          this.#persist(effect);
          break;
        case 'wake':
          this.#timer.set(effect.at);
          break;
        case 'connect':
          this.#transport.open();
          break;
        case 'disconnect':
          this.#transport.close();
          break;
        case 'render':
          render = true;
          break;
        case 'notify':
          this.#handlers.onNotify(effect.event, effect.detail);
          break;
        default:
          break; // an effect a newer core knows and this shell does not: nothing to do
      }
    }
    if (render) this.#handlers.onRender(this.#session.view());
  }

  // Writes are chained: a snapshot must land after the appends it supersedes.
  #persist(effect) {
    const write = 'snapshot' in effect ? () => this.#storage.replace(effect.snapshot) : () => this.#storage.append(effect.append);
    this.#writes = this.#writes.then(write).catch((error) => this.#handlers.onStorageError(error));
  }
}
