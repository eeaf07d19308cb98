// The widget inside the launcher's shadow root: loads the wasm core and the site's
// knowledge base, runs the conversation (as the leader tab or a follower), draws the
// panel, answers the host page's commands and reports events back to it. The site's
// home screen, words and look come from the server (/site/<id>.json) and the boot options.
import { loadKefuCore } from '../core/load-core.js';
import { FaqEngine } from '../core/faq-engine.js';
import { adoptStyles } from '../embed/launcher.js';
import { ChatStorage } from './chat-storage.js';
import { SessionShell } from './session-shell.js';
import { TabSession } from './tab-session.js';
import { SITE_TEXT_KEYS, Translator } from './translator.js';
import { ChatPanel } from './ui/chat-panel.js';
import { WIDGET_CSS } from './widget-styles.js';
import { resolveEndpoints } from './endpoints.js';
import { REFUSALS } from './chat-transport.js';
import { ViewportFit } from './viewport-fit.js';
import { themeCss } from './theme.js';
import { AttachmentUploader } from './attachment-uploader.js';
import { AttachmentDownloads } from './attachment-downloads.js';
import { fetchKnowledgeIndex } from './knowledge-index.js';
import { LocalizedAnswers } from './localized-answers.js';

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

const COMMANDS = new Set(['open', 'close', 'toggle', 'show', 'hide', 'identify', 'send', 'update', 'setLocale', 'prefill', 'newConversation', 'getState']);
// Kefu('update', {attributes}): what the protocol's hello carries (textFields).
const MAX_ATTRIBUTES = 20;
const MAX_ATTRIBUTE_NAME_BYTES = 64;
const MAX_ATTRIBUTE_CHARS = 1000;
const ENDED_PHASES = new Set(['ended', 'rated']);

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
  #view = LOADING_VIEW; // as drawn: the bot's answers in the visitor's locale
  #coreView = LOADING_VIEW; // as the core made it: the index's default answer texts
  #index = null; // {version, answers?}: the index the bot answers from, once it is loaded
  // Drawn again with the new texts; not before the core's first view (that one is `ready`).
  #answers = new LocalizedAnswers(() => this.#coreView !== LOADING_VIEW && this.#render(this.#coreView));
  #sessionLocale = null; // the locale the session's hello carries; setLocale may change it
  #helloFieldsSent = false;
  #ready = false;
  #destroyed = false;
  #viewport;
  #beforeReady = []; // events from commands made while the core loads
  #identity = null;
  #attributes = null;
  #cleanups = [];
  #uploader;
  #downloads;
  #root;
  #profile = null; // the server's /site/<id>.json, once it has arrived
  #lastStars = 0; // this tab's rating, for the `rated` event
  #profileRequest = Promise.resolve(null);

  /**
   * @param {{config: object, host: HTMLElement, root: ShadowRoot, launcher: object, emit: (event: string, detail?: object) => void}} options
   */
  constructor({ config, host, root, launcher, emit }) {
    this.#config = config;
    this.#host = host;
    this.#launcher = launcher;
    this.#emit = emit;
    this.#root = root;
    this.#t = new Translator(config.locale);
    this.#t.setSiteTexts(bootTexts(config));
    this.#endpoints = resolveEndpoints(config, root.ownerDocument.baseURI);
    const profile = this.#fetchProfile(); // first: the home screen waits for it
    this.#profileRequest = profile;
    // Then what the bot needs, before the panel is built and drawn: #load starts the core's
    // and the index's downloads before it first waits (the rest of it runs after this).
    this.#load().catch((error) => {
      if (this.#destroyed) return;
      this.#emit('error', { code: error?.code ?? 'widget_load_failed', message: String(error?.message ?? error) });
      this.#panel.showError(this.#t.t('error.generic'));
    });
    const theme = typeof config.accent === 'string' ? { ...config.theme, accent: config.accent } : config.theme;
    adoptStyles(root, WIDGET_CSS + themeCss(theme), this.#endpoints.stylesheetUrl);
    this.#downloads = new AttachmentDownloads(this.#endpoints.httpOrigin);
    this.#panel = this.#createPanel();
    this.#uploader = new AttachmentUploader({
      siteId: config.siteId,
      httpOrigin: this.#endpoints.httpOrigin,
      dispatch: (event) => this.#dispatch(event),
      onProgress: (state) => this.#panel.attachments.showProgress(state),
      onRefused: (reason) => {
        this.#panel.attachments.showRefused(reason);
        this.#emit('error', { code: `attachment_${reason.code}`, message: `${reason.name} was not sent (${reason.code})` });
      },
    });
    root.append(this.#panel.element);
    this.#viewport = new ViewportFit(root);
    launcher.button?.setAttribute('aria-haspopup', 'dialog');
    launcher.button?.setAttribute('aria-controls', 'kefu-panel');
    launcher.button?.setAttribute('aria-expanded', 'false');
    this.#render(LOADING_VIEW);
    // The home screen is painted now, from the boot options; the server's part fills in.
    this.#showHome();
    this.#loadProfile(profile);
    if (config.user) this.#identify(config.user); // boot({user}) is identify() at boot
    if (config.attributes) this.#update({ attributes: config.attributes });
    this.#listen(globalThis, 'online', () => this.#tabs?.nudge());
    // A tab going away no longer shows the conversation (other tabs may still lead on).
    this.#listen(globalThis, 'pagehide', () => this.#tabs?.dispatch({ type: 'panel', open: false }));
    this.#listen(globalThis, 'pageshow', (event) => event.persisted && this.#tabs?.dispatch({ type: 'panel', open: this.#panel.open }));
    this.#listen(root.ownerDocument, 'visibilitychange', () => {
      if (root.ownerDocument.visibilityState === 'visible') this.#tabs?.nudge();
    });
  }

  command(name, args = []) {
    if (this.#destroyed) return;
    if (!COMMANDS.has(name)) {
      this.#emit('error', { code: 'unknown_command', message: `unknown command "${name}"` });
      return;
    }
    if (name === 'getState') {
      // A callback, not a return value: before the widget has loaded the call waits in the loader's queue.
      if (typeof args[0] !== 'function') this.#emit('error', { code: 'invalid_argument', message: 'getState takes a function that receives {open, unread, phase}' });
      else args[0]({ open: this.#panel.open, unread: this.#view.unread, phase: this.#view.phase });
      return;
    }
    if (name === 'open' || name === 'close') this.#setOpen(name === 'open');
    else if (name === 'toggle') this.#setOpen(!this.#panel.open);
    else if (name === 'hide') this.#setOpen(false); // the loader hides the launcher itself
    else if (name === 'identify') this.#identify(args[0]);
    else if (name === 'send') {
      if (typeof args[0] !== 'string') this.#emit('error', { code: 'invalid_argument', message: 'send takes the text as a string' });
      else this.#dispatch({ type: 'send_text', text: args[0] });
    } else if (name === 'update') this.#update(args[0]);
    else if (name === 'setLocale') this.#setLocale(args[0]);
    else if (name === 'prefill') {
      if (typeof args[0] !== 'string') this.#emit('error', { code: 'invalid_argument', message: 'prefill takes the text as a string' });
      else {
        this.#setOpen(true);
        this.#panel.prefill(args[0]);
      }
    } else if (name === 'newConversation') this.#newConversation();
  }

  destroy() {
    this.#destroyed = true;
    for (const cleanup of this.#cleanups) cleanup();
    this.#tabs?.stop();
    this.#faq?.dispose();
    this.#uploader.dispose();
    this.#downloads.dispose();
    this.#viewport.stop();
    this.#panel.destroy();
    this.#panel.element.remove();
  }

  async #load() {
    const { moduleUrl, wasmUrl, knowledgeBaseUrl, knowledgeVersionsUrl, serverUrl } = this.#endpoints;
    const corePromise = loadKefuCore({ moduleUrl, wasmUrl });
    // The index downloads while the core compiles; the conversation starts without it
    // and the bot joins in once it is loaded (SessionShell holds a question asked before).
    // It holds the default answer texts; the visitor's locale's are shown over them, and
    // are fetched before the index is handed on, so an early question is answered in them.
    const fetchIndex = (url) =>
      fetchKnowledgeIndex(url, corePromise).then(
        async (index) => {
          this.#index = { version: index.version, answers: index.answers };
          await this.#loadAnswers();
          return index;
        },
        (error) => {
          this.#knowledgeError(error);
          return null;
        },
      );
    const knowledge = fetchIndex(knowledgeBaseUrl);
    const loadVersion = knowledgeVersionsUrl ? (version) => fetchIndex(new URL(`${version}.kfi`, knowledgeVersionsUrl).href) : undefined;
    const core = await corePromise;
    if (this.#destroyed) return;
    const siteId = this.#config.siteId;
    this.#sessionLocale = this.#t.locale;
    const sessionConfig = { siteId, locale: this.#sessionLocale, preChatForm: this.#config.preChatForm === true || this.#config.preChatForm === 'true' };
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
    this.#uploader.start();
    // The leader's typeahead comes from its session; a follower tab has no core session
    // and loads the same index bytes (no training) at its first keystroke.
    knowledge.then((index) => {
      if (index) this.#typeaheadSource = { core, bytes: index.bytes };
    });
    this.#sendHelloFields();
    const early = this.#beforeReady;
    this.#beforeReady = [];
    for (const event of early) this.#dispatch(event);
  }

  // The answer texts of the visitor's locale for the index the bot answers from (none
  // loaded yet: taken up once it is). A failure leaves the default texts.
  async #loadAnswers() {
    const index = this.#index;
    if (!index) return;
    const profile = await this.#profileRequest;
    if (this.#destroyed) return;
    const server = { versionsUrl: this.#endpoints.knowledgeVersionsUrl, locales: Array.isArray(profile?.answerLocales) ? profile.answerLocales : [] };
    await this.#answers.load(index, this.#t.locale, server).catch((error) => this.#knowledgeError(error));
  }

  #knowledgeError(error) {
    if (!this.#destroyed) this.#emit('error', { code: error?.code ?? 'kb_load_failed', message: String(error?.message ?? error) });
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
    this.#sendHelloFields();
  }

  /** Kefu('update', {attributes: {plan: 'pro'}}): merged into what agents see; strings, numbers, booleans. */
  #update(options) {
    const given = options?.attributes;
    const entries = given && typeof given === 'object' && !Array.isArray(given) ? Object.entries(given) : null;
    const encoder = new TextEncoder();
    const valid =
      entries?.every(([name, value]) => name && encoder.encode(name).length <= MAX_ATTRIBUTE_NAME_BYTES && ['string', 'number', 'boolean'].includes(typeof value) && [...String(value)].length <= MAX_ATTRIBUTE_CHARS) &&
      Object.keys({ ...this.#attributes, ...given }).length <= MAX_ATTRIBUTES;
    if (!valid) {
      this.#emit('error', { code: 'invalid_argument', message: `update takes {attributes}: at most ${MAX_ATTRIBUTES} names of 1–${MAX_ATTRIBUTE_NAME_BYTES} bytes, each a string (≤ ${MAX_ATTRIBUTE_CHARS} characters), number or boolean` });
      return;
    }
    this.#attributes = { ...this.#attributes, ...Object.fromEntries(entries.map(([name, value]) => [name, String(value)])) };
    this.#sendHelloFields();
  }

  #sendHelloFields() {
    // Before the session exists #load sends them; with nothing to add, a hello stays as the core wrote it.
    if (!this.#tabs) return;
    const fields = {
      ...(this.#identity ? { identity: this.#identity } : {}),
      ...(this.#attributes ? { attributes: this.#attributes } : {}),
      // After setLocale: the server records the bot's replies in the visitor's new locale.
      ...(this.#t.locale !== this.#sessionLocale ? { locale: this.#t.locale } : {}),
    };
    if (Object.keys(fields).length === 0 && !this.#helloFieldsSent) return;
    this.#helloFieldsSent = true;
    this.#tabs.setHelloFields(fields);
  }

  #createPanel() {
    return new ChatPanel(this.#root.ownerDocument, this.#t, {
      dispatch: (event) => this.#dispatch(event),
      suggest: (prefix, k) => this.#suggest(prefix, k),
      close: () => this.#setOpen(false),
      ask: (question) => this.#dispatch({ type: 'send_text', text: question }),
      newConversation: () => this.#newConversation(),
      transcript: () => this.#downloadTranscript(),
      attachFiles: (files) => files.forEach((file) => this.#uploader.add(file)),
      attachmentUrl: (id) => this.#downloads.url(id),
    });
  }

  /** The panel's words and the bot's answers in another language, now; the server's texts from the next page view. */
  #setLocale(tag) {
    if (typeof tag !== 'string' || !tag) {
      this.#emit('error', { code: 'invalid_argument', message: 'setLocale takes a locale like "zh-TW"' });
      return;
    }
    this.#t.setLocale(tag);
    this.#host.lang = this.#t.locale;
    const wasOpen = this.#panel.open;
    const old = this.#panel;
    this.#panel = this.#createPanel();
    old.destroy();
    old.element.replaceWith(this.#panel.element);
    this.#panel.setOpen(wasOpen);
    this.#showHome();
    this.#panel.update(this.#view);
    this.#labelLauncher();
    this.#loadAnswers();
    this.#sendHelloFields();
  }

  // After the end: another conversation on the server, the old one kept above a divider
  // (the core's new_conversation). While talking to the bot: the home screen again.
  #newConversation() {
    if (ENDED_PHASES.has(this.#view.phase)) {
      if (this.#dispatch({ type: 'new_conversation' })) this.#setOpen(true);
      this.#panel.focusFirstField();
      return;
    }
    if (!this.#panel.startNewConversation()) {
      this.#emit('error', { code: 'invalid_in_state', message: `no new conversation while ${this.#view.phase}` });
      return;
    }
    this.#setOpen(true);
  }

  /** @param {RequestCache} [cache] 'no-cache' when the answer must be today's, not the page view's */
  #fetchProfile(cache = 'default') {
    return fetchJson(`${this.#endpoints.profileUrl}?locale=${encodeURIComponent(this.#t.locale)}`, cache);
  }

  async #loadProfile(request) {
    const profile = await request;
    if (this.#destroyed || !profile) return; // the home screen keeps what the boot options said
    const firstTime = this.#profile === null;
    this.#profile = profile;
    if (firstTime) {
      this.#t.setSiteTexts(profile.texts, bootTexts(this.#config));
      // The boot options win over the server's, as for the texts.
      if (!this.#config.position && profile.position) this.#host.classList.toggle('left', profile.position === 'left');
      if (!this.#config.accent && !this.#config.theme?.accent && profile.accent) adoptStyles(this.#root, themeCss({ accent: profile.accent }));
    }
    this.#showHome();
    this.#panel.update(this.#view);
  }

  #showHome() {
    const config = this.#config;
    const profile = this.#profile;
    const server = (url) => safeImageUrl(url, this.#endpoints.httpOrigin);
    const page = (url) => safeImageUrl(url, this.#root.ownerDocument.baseURI);
    const bootSuggestions = Array.isArray(config.suggestions) ? config.suggestions.filter((question) => typeof question === 'string' && question.trim()) : null;
    const bootAvatars = Array.isArray(config.avatars) ? config.avatars.map(page).filter(Boolean) : null;
    this.#panel.setHome({
      brandName: this.#t.t('panel.title'),
      logo: (config.logo ? page(config.logo) : server(profile?.logo)) ?? null,
      avatars: bootAvatars ?? (profile?.avatars ?? []).map(server).filter(Boolean),
      suggestions: bootSuggestions ?? (profile?.suggestions ?? []).map((suggestion) => suggestion.question).filter((question) => typeof question === 'string'),
      availability: profile?.availability ?? null,
    });
  }

  /** The conversation as a .txt file the visitor saves: time, author and text per message. */
  #downloadTranscript() {
    const doc = this.#root.ownerDocument;
    const lines = this.#view.messages.map((message) => {
      if (message.author === 'divider') return `--- ${this.#t.t('chat.newConversationStarted')} ---`;
      const author = message.author === 'agent' && message.name ? message.name : this.#t.t(`author.${message.author}`);
      // A "did you mean" or "no answer" turn has no text of its own: the panel words it.
      const text = message.text || (message.tier === 'suggest' ? [this.#t.t('bot.didYouMean'), ...(message.suggestions ?? []).map((choice) => choice.question)].join(' ') : this.#t.t('bot.noAnswer'));
      return `[${new Date(message.time || 0).toISOString().slice(0, 16).replace('T', ' ')}] ${author}: ${text}`;
    });
    const url = URL.createObjectURL(new Blob([`${this.#t.t('panel.title')}\n\n${lines.join('\n')}\n`], { type: 'text/plain;charset=utf-8' }));
    const link = doc.createElement('a');
    link.href = url;
    link.download = `${this.#t.t('chat.transcriptFile')}-${new Date().toISOString().slice(0, 10)}.txt`;
    link.hidden = true;
    this.#root.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  /** @returns {boolean} false when the core rejected the event (already shown to the visitor) */
  #dispatch(event) {
    if (!this.#tabs) {
      this.#beforeReady.push(event);
      return true;
    }
    if (event.type === 'rate') this.#lastStars = event.stars; // the view turns `rated` during the dispatch
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

  #render(coreView) {
    const before = this.#view;
    const homeBefore = this.#panel.homeShown;
    this.#coreView = coreView;
    const view = this.#answers.localize(coreView);
    this.#view = view;
    if (view !== LOADING_VIEW) {
      // The token first: the thread may ask for files while it draws.
      this.#downloads.update(view);
      this.#uploader.update(view);
    }
    this.#panel.update(view);
    if (before !== LOADING_VIEW) this.#lifecycleEvents(before, view, homeBefore);
    this.#launcher.setUnread?.(view.unread);
    this.#labelLauncher();
    if (!this.#ready && view !== LOADING_VIEW) {
      this.#ready = true;
      this.#emit('ready', { leader: this.#tabs?.isLeader ?? false });
    }
  }

  // The host page hears where the conversation goes: the first message after the home
  // screen, the end, the rating.
  #lifecycleEvents(before, view, homeBefore) {
    if (homeBefore && !this.#panel.homeShown && view.messages.length > before.messages.length) this.#emit('conversation_started');
    if (!ENDED_PHASES.has(before.phase) && ENDED_PHASES.has(view.phase)) this.#emit('conversation_ended');
    if (before.phase !== 'rated' && view.phase === 'rated') this.#emit('rated', this.#lastStars ? { stars: this.#lastStars } : {});
    // Which "offline" it is (closed or nobody online) is the server's to say now.
    if (before.phase !== 'offline' && view.phase === 'offline') this.#loadProfile(this.#fetchProfile('no-cache'));
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

/** The boot options' texts: `texts` by locale (or a JSON string of it, from a data attribute), or flat names for every locale. */
function bootTexts(config) {
  let texts = config.texts;
  if (typeof texts === 'string') {
    try {
      texts = JSON.parse(texts);
    } catch {
      texts = null;
    }
  }
  const flat = Object.fromEntries(Object.keys(SITE_TEXT_KEYS).filter((name) => typeof config[name] === 'string').map((name) => [name, config[name]]));
  const all = Object.keys(flat).length > 0 ? { en: flat, 'zh-CN': flat, 'zh-TW': flat } : {};
  return texts && typeof texts === 'object' ? { ...all, ...texts } : all;
}

/** An image address the widget will load: http(s) only (no javascript:, data: or blob:). */
function safeImageUrl(url, base) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

async function fetchJson(url, cache) {
  try {
    // Ahead of the core's download: the home screen waits for it, the core is needed later.
    const response = await fetch(url, { credentials: 'omit', cache, priority: 'high' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}
