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

  /**
   * @param {{core: object, knowledgeBase?: string, config: object, storage: import('./chat-storage.js').ChatStorage,
   *   serverUrl: string, Socket?: typeof WebSocket}} options
   * @param {{onRender: (view: object) => void, onNotify: (event: string, detail: object) => void,
   *   onStorageError: (error: unknown) => void}} handlers
   */
  constructor({ core, knowledgeBase, config, storage, serverUrl, Socket }, handlers) {
    this.#session = new ChatSession(core, { config, knowledgeBase });
    this.#storage = storage;
    this.#handlers = handlers;
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
          this.#feed({ type: 'frame', text });
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

  /** A visitor or host-page event; a rejected one throws a KefuError and changes nothing. */
  dispatch(event) {
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

  setIdentity(identity) {
    this.#transport.setIdentity(identity);
    // hello carries the identity, so a connection made before it is remade.
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
    this.#stopped = true;
    this.#page.dispose();
    this.#timer.cancel();
    this.#transport.close();
    this.#session.dispose();
  }

  #feed(event) {
    if (this.#stopped) return;
    try {
      this.dispatch(event);
    } catch (error) {
      // A malformed or out-of-place frame from the server changes nothing in the core;
      // the conversation carries on. Anything else is worth telling the host page.
      if (error?.code === 'not_welcomed') this.#beforeWelcome(event);
      else if (!String(error?.code).startsWith('frame_') && error?.code !== 'event_invalid_in_state') {
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
