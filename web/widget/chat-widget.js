// The widget inside the launcher's shadow root: loads the wasm core and the site's
// knowledge base, runs the conversation (as the leader tab or a follower), draws the
// panel, answers the host page's commands and reports events back to it.
import { loadKefuCore } from '../core/load-core.js';
import { FaqEngine } from '../core/faq-engine.js';
import { adoptStyles } from '../embed/launcher.js';
import { ChatStorage } from './chat-storage.js';
import { SessionShell } from './session-shell.js';
import { TabSession } from './tab-session.js';
import { Translator } from './translator.js';
import { ChatPanel } from './ui/chat-panel.js';
import { WIDGET_CSS } from './widget-styles.js';
import { resolveEndpoints } from './endpoints.js';
import { REFUSALS } from './chat-transport.js';
import { ViewportFit } from './viewport-fit.js';
import { themeCss } from './theme.js';
import { fetchKnowledgeIndex } from './knowledge-index.js';

// What the panel shows before the core has loaded: an empty conversation, connecting.
const LOADING_VIEW = {
  phase: 'bot',
  connection: 'connecting',
  agent: { name: '', typing: false },
  queue: { position: 0, etaSeconds: 0 },
  ratingRequested: false,
  ticketId: '',
  offlineHours: '',
  unread: 0,
  messages: [],
};

const COMMANDS = new Set(['open', 'close', 'toggle', 'show', 'hide', 'identify', 'send']);

export class ChatWidget {
  #config;
  #host;
  #launcher;
  #emit;
  #t;
  #panel;
  #endpoints;
  #tabs = null;
  #faq = null; // a follower tab's own typeahead index
  #typeaheadSource = null; // {core, bytes} until a follower loads its own index from them
  #view = LOADING_VIEW;
  #ready = false;
  #destroyed = false;
  #viewport;
  #beforeReady = []; // events from commands made while the core loads
  #identity = null;
  #cleanups = [];

  /**
   * @param {{config: object, host: HTMLElement, root: ShadowRoot, launcher: object, emit: (event: string, detail?: object) => void}} options
   */
  constructor({ config, host, root, launcher, emit }) {
    this.#config = config;
    this.#host = host;
    this.#launcher = launcher;
    this.#emit = emit;
    this.#t = new Translator(config.locale);
    this.#endpoints = resolveEndpoints(config, root.ownerDocument.baseURI);
    adoptStyles(root, WIDGET_CSS + themeCss(config.theme), this.#endpoints.stylesheetUrl);
    this.#panel = new ChatPanel(root.ownerDocument, this.#t, {
      dispatch: (event) => this.#dispatch(event),
      suggest: (prefix, k) => this.#suggest(prefix, k),
      close: () => this.#setOpen(false),
    });
    root.append(this.#panel.element);
    this.#viewport = new ViewportFit(root);
    launcher.button?.setAttribute('aria-haspopup', 'dialog');
    launcher.button?.setAttribute('aria-controls', 'kefu-panel');
    launcher.button?.setAttribute('aria-expanded', 'false');
    this.#render(LOADING_VIEW);
    if (config.user) this.#identify(config.user); // boot({user}) is identify() at boot
    this.#listen(globalThis, 'online', () => this.#tabs?.nudge());
    // A tab going away no longer shows the conversation (other tabs may still lead on).
    this.#listen(globalThis, 'pagehide', () => this.#tabs?.dispatch({ type: 'panel', open: false }));
    this.#listen(globalThis, 'pageshow', (event) => event.persisted && this.#tabs?.dispatch({ type: 'panel', open: this.#panel.open }));
    this.#listen(root.ownerDocument, 'visibilitychange', () => {
      if (root.ownerDocument.visibilityState === 'visible') this.#tabs?.nudge();
    });
    this.#load().catch((error) => {
      if (this.#destroyed) return;
      this.#emit('error', { code: error?.code ?? 'widget_load_failed', message: String(error?.message ?? error) });
      this.#panel.showError(this.#t.t('error.generic'));
    });
  }

  command(name, args = []) {
    if (this.#destroyed) return;
    if (!COMMANDS.has(name)) {
      this.#emit('error', { code: 'unknown_command', message: `unknown command "${name}"` });
      return;
    }
    if (name === 'open' || name === 'close') this.#setOpen(name === 'open');
    else if (name === 'toggle') this.#setOpen(!this.#panel.open);
    else if (name === 'hide') this.#setOpen(false); // the loader hides the launcher itself
    else if (name === 'identify') this.#identify(args[0]);
    else if (name === 'send') {
      if (typeof args[0] !== 'string') this.#emit('error', { code: 'invalid_argument', message: 'send takes the text as a string' });
      else this.#dispatch({ type: 'send_text', text: args[0] });
    }
  }

  destroy() {
    this.#destroyed = true;
    for (const cleanup of this.#cleanups) cleanup();
    this.#tabs?.stop();
    this.#faq?.dispose();
    this.#viewport.stop();
    this.#panel.destroy();
    this.#panel.element.remove();
  }

  async #load() {
    const { moduleUrl, wasmUrl, knowledgeBaseUrl, knowledgeVersionsUrl, serverUrl } = this.#endpoints;
    const corePromise = loadKefuCore({ moduleUrl, wasmUrl });
    // The index downloads while the core compiles; the conversation starts without it
    // and the bot joins in once it is loaded (SessionShell holds a question asked before).
    const fetchIndex = (url) =>
      fetchKnowledgeIndex(url, corePromise).catch((error) => {
        if (!this.#destroyed) this.#emit('error', { code: error?.code ?? 'kb_load_failed', message: String(error?.message ?? error) });
        return null;
      });
    const knowledge = fetchIndex(knowledgeBaseUrl);
    const loadVersion = knowledgeVersionsUrl ? (version) => fetchIndex(new URL(`${version}.kfi`, knowledgeVersionsUrl).href) : undefined;
    const core = await corePromise;
    if (this.#destroyed) return;
    const siteId = this.#config.siteId;
    const sessionConfig = {
      siteId,
      locale: this.#t.locale,
      preChatForm: this.#config.preChatForm === true || this.#config.preChatForm === 'true',
    };
    const handlers = {
      onView: (view) => this.#render(view),
      onNotify: (event, detail) => {
        // The server will not chat with this page: say so where "reconnecting" would be.
        if (event === 'error' && REFUSALS.has(detail?.code)) this.#panel.showRefused(this.#t.t('connection.refused'));
        this.#emit(event, detail);
      },
      onRejected: (event, error) => this.#rejected(error),
    };
    this.#tabs = new TabSession(
      siteId,
      async (shellHandlers) => {
        const storage = await ChatStorage.open(siteId, { onDegraded: () => this.#panel.showNotice(this.#t.t('storage.unavailable')) });
        return new SessionShell(
          { core, knowledge, loadVersion, config: sessionConfig, storage, serverUrl },
          { ...shellHandlers, onStorageError: (error) => this.#emit('error', { code: 'storage_failed', message: String(error) }) },
        );
      },
      handlers,
    );
    this.#tabs.start();
    // The leader's typeahead comes from its session; a follower tab has no core session
    // and loads the same index bytes (no training) at its first keystroke.
    knowledge.then((index) => {
      if (index) this.#typeaheadSource = { core, bytes: index.bytes };
    });
    if (this.#identity) this.#tabs.identify(this.#identity);
    const early = this.#beforeReady;
    this.#beforeReady = [];
    for (const event of early) this.#dispatch(event);
  }

  #followerTypeahead() {
    if (!this.#faq && this.#typeaheadSource && !this.#destroyed) {
      const { core, bytes } = this.#typeaheadSource;
      this.#typeaheadSource = null; // one attempt: a broken index was reported by the leader already
      try {
        this.#faq = new FaqEngine(core, bytes);
      } catch {
        // typeahead stays off
      }
    }
    return this.#faq;
  }

  #identify(identity) {
    if (!identity || typeof identity.id !== 'string' || !identity.id) {
      this.#emit('error', { code: 'invalid_argument', message: 'identify takes {id, name, email, hash}' });
      return;
    }
    // Only the fields the protocol knows go on the wire.
    const { id, name, email, hash } = identity;
    this.#identity = Object.fromEntries(Object.entries({ id, name, email, hash }).filter(([, value]) => typeof value === 'string'));
    this.#tabs?.identify(this.#identity);
  }

  /** @returns {boolean} false when the core rejected the event (already shown to the visitor) */
  #dispatch(event) {
    if (!this.#tabs) {
      this.#beforeReady.push(event);
      return true;
    }
    try {
      this.#tabs.dispatch(event);
      return true;
    } catch (error) {
      this.#rejected(error);
      return false;
    }
  }

  #rejected(error) {
    const code = error?.code;
    if (code === 'text_empty') return;
    const max = this.#config.maxTextChars ?? 4000;
    this.#panel.showError(code === 'text_too_long' ? this.#t.t('composer.tooLong', { max }) : this.#t.t('error.generic'));
    this.#emit('error', { code, message: error?.message });
  }

  #suggest(prefix, k) {
    try {
      return this.#tabs?.suggest(prefix, k) ?? this.#followerTypeahead()?.suggest(prefix, { k }) ?? [];
    } catch {
      return []; // typeahead is a nicety; a failed lookup must not disturb typing
    }
  }

  #setOpen(open) {
    if (open === this.#panel.open) return;
    this.#panel.setOpen(open);
    this.#host.classList.toggle('kefu-open', open);
    const button = this.#launcher.button;
    button?.setAttribute('aria-expanded', String(open));
    this.#labelLauncher();
    this.#dispatch({ type: 'panel', open });
    if (!open) button?.focus(); // focus returns to what opened the panel
    this.#emit(open ? 'open' : 'close');
  }

  #render(view) {
    this.#view = view;
    this.#panel.update(view);
    this.#launcher.setUnread?.(view.unread);
    this.#labelLauncher();
    if (!this.#ready && view !== LOADING_VIEW) {
      this.#ready = true;
      this.#emit('ready', { leader: this.#tabs?.isLeader ?? false });
    }
  }

  #labelLauncher() {
    const open = this.#panel.open;
    const label = this.#t.t(open ? 'launcher.close' : 'launcher.open');
    const unread = this.#view.unread > 0 && !open ? `, ${this.#t.t('launcher.unread', { count: this.#view.unread })}` : '';
    this.#launcher.button?.setAttribute('aria-label', label + unread);
  }

  #listen(target, event, listener) {
    target.addEventListener(event, listener);
    this.#cleanups.push(() => target.removeEventListener(event, listener));
  }
}
