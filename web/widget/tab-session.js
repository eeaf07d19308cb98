// The conversation as one tab sees it. The leader tab (TabLeadership, Web Locks) runs
// the session shell and holds the only socket; it publishes every new view and host
// event on the TabChannel. Follower tabs draw the leader's view and forward what their
// visitor does as session events. A forwarded event stays pending in the follower until
// the leader reports it applied and persisted; when a leader goes away, the next one
// restores the stored session and the pending events are forwarded to it again, so
// nothing typed in any tab is lost, and nothing is applied twice: each forwarded event
// carries its id as the core's event key, which the core stores with what the event
// changed, so a leader restored from storage skips an event its predecessor applied
// but died before confirming.
import { TabChannel } from './tab-channel.js';
import { TabLeadership } from './tab-leadership.js';

// More than a visitor forwards in any tab's lifetime between two leader changes.
const MAX_REMEMBERED_IDS = 1000;

export class TabSession {
  #scope;
  #createShell;
  #handlers;
  #channel;
  #leadership;
  #shell = null;
  #pending = new Map(); // event id -> event, in the order typed
  #helloFields = null;
  #tabId = randomId();
  #counter = 0;
  #stopped = false;
  #leading = false;
  #unsubscribe;
  #environment;
  // Ids of forwarded events this leader applied: a follower that resends on `leader`
  // may resend one that was already in flight.
  #appliedIds = new Set();
  // The core knows one panel; it is open while any tab shows it (read receipts, unread).
  #panelOpenIn = new Set(); // tab ids, kept by the leader
  #panelOpenSent = false;
  #ownPanelOpen = false;

  /**
   * @param {string} scope tabs of one site share a leader and a channel
   * @param {(handlers: object) => Promise<import('./session-shell.js').SessionShell>} createShell
   *   makes (does not start) the shell with the handlers given (onRender, onNotify)
   * @param {{onView: (view: object) => void, onNotify: (event: string, detail: object) => void, onRejected: (event: object, error: {code: string, message: string}) => void}} handlers
   * @param {{Channel?: typeof BroadcastChannel, locks?: LockManager|null}} [environment]
   */
  constructor(scope, createShell, handlers, environment = {}) {
    this.#scope = scope;
    this.#createShell = createShell;
    this.#handlers = handlers;
    this.#channel = new TabChannel(scope, 'Channel' in environment ? environment.Channel : globalThis.BroadcastChannel);
    this.#leadership = new TabLeadership(scope, () =>
      this.#lead().catch((error) => this.#handlers.onNotify('error', { code: error?.code ?? 'internal', message: String(error?.message ?? error) })),
    );
    this.#environment = environment;
  }

  /** True from the moment this tab holds the lock, while its shell may still be starting. */
  get isLeader() {
    return this.#leading;
  }

  start() {
    this.#unsubscribe = this.#channel.subscribe((message) => this.#onMessage(message));
    // Without a channel the tabs cannot share one connection: each one leads alone and the
    // server's cmid deduplication keeps delivery exactly-once.
    const locks = !this.#channel.available ? null : 'locks' in this.#environment ? this.#environment.locks : globalThis.navigator?.locks;
    this.#leadership.start(locks);
    if (!this.#leading) this.#channel.publish('sync', { from: this.#tabId });
  }

  /**
   * A visitor or host-page event. In the leader it is applied at once and a rejection
   * throws (KefuError); in a follower it is forwarded and a rejection comes back
   * through onRejected.
   */
  dispatch(event) {
    if (event.type === 'panel') {
      this.#ownPanelOpen = event.open;
      if (this.#shell) this.#panelIn(this.#tabId, event.open);
      else this.#channel.publish('panel', { tab: this.#tabId, open: event.open });
      return;
    }
    if (this.#shell) {
      this.#shell.dispatch(event);
      return;
    }
    const id = `${this.#tabId}:${(this.#counter += 1)}`;
    this.#pending.set(id, event);
    this.#channel.publish('event', { id, event });
  }

  /** Typeahead from the leader's session; null in a follower, which has no core session. */
  suggest(prefix, k) {
    return this.#shell ? this.#shell.suggest(prefix, k) : null;
  }

  #panelIn(tab, open) {
    if (open) this.#panelOpenIn.add(tab);
    else this.#panelOpenIn.delete(tab);
    const anyOpen = this.#panelOpenIn.size > 0;
    if (anyOpen === this.#panelOpenSent) return;
    this.#panelOpenSent = anyOpen;
    this.#shell.dispatch({ type: 'panel', open: anyOpen });
  }

  /** The identity and attributes every hello carries (ChatTransport.setHelloFields). */
  setHelloFields(fields) {
    this.#helloFields = fields;
    if (this.#shell) this.#shell.setHelloFields(fields);
    else this.#channel.publish('hello', fields);
  }

  /** The network is back or the tab is visible again. */
  nudge() {
    this.#shell?.nudge();
  }

  /** Resolves when what the leader persisted so far is written (tests, shutdown). */
  settled() {
    return this.#shell ? this.#shell.settled() : Promise.resolve();
  }

  stop() {
    if (!this.#shell && this.#ownPanelOpen) this.#channel.publish('panel', { tab: this.#tabId, open: false });
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#leadership.stop();
    this.#shell?.stop();
    this.#shell = null;
    this.#leading = false;
    this.#channel.close();
  }

  async #lead() {
    if (this.#stopped) return;
    this.#leading = true;
    const shell = await this.#createShell({
      onRender: (view) => {
        this.#channel.publish('view', view);
        this.#handlers.onView(view);
      },
      onNotify: (event, detail) => {
        this.#channel.publish('notify', { event, detail });
        this.#handlers.onNotify(event, detail);
      },
    });
    if (this.#stopped) {
      shell.stop();
      return;
    }
    // Before start(): the first hello already carries them.
    if (this.#helloFields) shell.setHelloFields(this.#helloFields);
    await shell.start();
    if (this.#stopped) {
      shell.stop();
      return;
    }
    this.#shell = shell;
    if (this.#ownPanelOpen) this.#panelIn(this.#tabId, true);
    // What this tab's visitor did while another tab led (or before anyone did).
    const own = [...this.#pending];
    this.#pending.clear();
    for (const [id, event] of own) this.#applyOwn(keyed(id, event));
    const view = shell.view();
    this.#handlers.onView(view);
    this.#channel.publish('leader', { from: this.#tabId });
    this.#channel.publish('view', view);
  }

  #applyOwn(event) {
    try {
      this.#shell.dispatch(event);
    } catch (error) {
      this.#handlers.onRejected(event, { code: error?.code ?? 'internal', message: String(error?.message ?? error) });
    }
  }

  #onMessage({ type, payload }) {
    if (this.#shell) {
      if (type === 'sync') this.#channel.publish('view', this.#shell.view());
      else if (type === 'hello') this.#shell.setHelloFields(payload);
      else if (type === 'panel') this.#panelIn(payload.tab, payload.open);
      else if (type === 'event') this.#applyForwarded(payload);
      return;
    }
    if (type === 'view') this.#handlers.onView(payload);
    else if (type === 'notify') this.#handlers.onNotify(payload.event, payload.detail);
    else if (type === 'applied') this.#onApplied(payload);
    else if (type === 'leader') this.#resendPending();
  }

  #applyForwarded({ id, event }) {
    if (this.#appliedIds.has(id)) {
      this.#shell.settled().then(() => this.#channel.publish('applied', { id, error: null }));
      return;
    }
    this.#appliedIds.add(id);
    if (this.#appliedIds.size > MAX_REMEMBERED_IDS) this.#appliedIds.delete(this.#appliedIds.values().next().value);
    let error = null;
    try {
      this.#shell.dispatch(keyed(id, event));
    } catch (cause) {
      error = { code: cause?.code ?? 'internal', message: String(cause?.message ?? cause) };
    }
    // Reported only once what the event changed is stored: until then the follower keeps
    // it, and a new leader would get it again if this tab closed before the write.
    this.#shell.settled().then(() => this.#channel.publish('applied', { id, error }));
  }

  #onApplied({ id, error }) {
    const event = this.#pending.get(id);
    if (!event) return; // another tab's event
    this.#pending.delete(id);
    if (error) this.#handlers.onRejected(event, error);
  }

  #resendPending() {
    if (this.#helloFields) this.#channel.publish('hello', this.#helloFields);
    if (this.#ownPanelOpen) this.#channel.publish('panel', { tab: this.#tabId, open: true });
    for (const [id, event] of this.#pending) this.#channel.publish('event', { id, event });
    this.#channel.publish('sync', { from: this.#tabId });
  }
}

// Typing indicators are not worth a stored key each: one shown twice does no harm. An
// event keyed already keeps its key (an attachment's message is keyed by its upload,
// which a reload resends: attachment-uploader.js).
function keyed(id, event) {
  return event.type === 'typing' ? event : { key: id, ...event };
}

function randomId() {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
