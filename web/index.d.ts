// The embedding API: `import {boot, open, on} from 'kefu'`. docs/embedding.md.

export type KefuLocale = 'zh-CN' | 'zh-TW' | 'en';

/** CSS custom properties --kefu-<kebab-name>, e.g. {accent: '#07c160'} sets --kefu-accent. */
export interface KefuTheme {
  accent?: string;
  onAccent?: string;
  focus?: string;
  badge?: string;
  panelBg?: string;
  text?: string;
  muted?: string;
  line?: string;
  bubble?: string;
  danger?: string;
  font?: string;
  radius?: string;
}

export interface KefuIdentity {
  id: string;
  name?: string;
  email?: string;
  /** HMAC-SHA256(site secret, id) in hex, computed by the site's own server. */
  hash?: string;
}

/** The site's own words, replacing the built-in ones (shown as text, never as HTML). */
export interface KefuTexts {
  /** The panel's title and the home screen's name. */
  brandName?: string;
  /** The home screen's first line. */
  greeting?: string;
  /** The composer's placeholder. */
  placeholder?: string;
  /** The line above the leave-a-message form when nobody can answer. */
  offline?: string;
}

export interface KefuBootOptions {
  siteId: string;
  /** The server's visitor socket, e.g. 'wss://chat.example.com/ws'; default: this page's origin + /ws. */
  serverUrl?: string;
  /** Default: the browser's language. */
  locale?: KefuLocale | string;
  /** The folder (or any file in it) holding kefu-core.mjs/.wasm and kefu-widget.css; default: the server's /kefu/. */
  assetBase?: string;
  /** Default: /kb/<siteId>.kfi on the server (its trained index); a URL serving KB JSON is trained in the browser. */
  knowledgeBaseUrl?: string;
  user?: KefuIdentity;
  theme?: KefuTheme;
  /** Ask for name / email / phone before the first message. */
  preChatForm?: boolean;
  /** Texts by locale ({en: {greeting: 'Hi!'}}), over the server config's; a JSON string of it from `data-texts`. */
  texts?: Partial<Record<KefuLocale, KefuTexts>> | string;
  /** The same texts for every locale (`data-greeting`, `data-brand-name`, …). */
  brandName?: string;
  greeting?: string;
  placeholder?: string;
  offline?: string;
  /** The home screen's logo (http(s) URL, or a path on the page's origin). */
  logo?: string;
  /** Up to 3 team photos, shown when there is no logo. */
  avatars?: string[];
  /** The theme colour (same as theme.accent). */
  accent?: string;
  /** Which bottom corner the launcher and the panel sit in; default: the server config's, else right. */
  position?: 'left' | 'right';
  /** The home screen's suggested questions (at most 5 shown), instead of the server's. */
  suggestions?: string[];
  /** Custom attributes shown to agents, as update({attributes}) at boot. */
  attributes?: KefuAttributes;
}

/** At most 20 names of 1–64 bytes; values are sent as text (at most 1,000 characters). */
export type KefuAttributes = Record<string, string | number | boolean>;

export type KefuPhase = 'prechat' | 'bot' | 'handoff_requested' | 'queued' | 'with_agent' | 'ended' | 'rated' | 'offline' | 'ticket_submitted';

export interface KefuState {
  open: boolean;
  unread: number;
  phase: KefuPhase;
}

export interface KefuEvents {
  /** The core is loaded and the conversation is drawn; `leader`: this tab holds the connection. */
  ready: { leader: boolean };
  /** The bot's index is loaded (again for each new version the server publishes). */
  kb_ready: { version: string | null; faqs: number };
  open: undefined;
  close: undefined;
  /** A message from an agent or the system. */
  message: { author: 'agent' | 'system'; text: string; seq: number };
  unread: { count: number };
  handoff: { reason: 'visitor' | 'keyword' | 'unanswered' };
  error: { code: string; message?: string };
  /** The visitor's first message after the home screen (also after newConversation). */
  conversation_started: undefined;
  /** An agent (or the visitor, or the server) ended the conversation. */
  conversation_ended: undefined;
  /** The visitor rated the conversation; `stars` when the rating was given in this tab. */
  rated: { stars?: number };
}

export type KefuEventName = keyof KefuEvents;

export function boot(options: KefuBootOptions): void;
export function open(): void;
export function close(): void;
export function toggle(): void;
export function show(): void;
export function hide(): void;
export function identify(identity: KefuIdentity): void;
export function send(text: string): void;
/** Custom attributes, merged with earlier ones, shown to agents. */
export function update(options: { attributes: KefuAttributes }): void;
/** The panel's language and the bot's answers (per-locale KB texts), now. */
export function setLocale(locale: KefuLocale | string): void;
/** Opens the panel with this text in the composer, not sent. */
export function prefill(text: string): void;
/** The home screen again; after the end, another conversation on the server (the old one stays above as history). */
export function newConversation(): void;
/** Resolves once the widget has loaded (on idle or at the first open). */
export function getState(): Promise<KefuState>;
export function on<E extends KefuEventName>(event: E, listener: (detail: KefuEvents[E]) => void): void;
export function off<E extends KefuEventName>(event: E, listener: (detail: KefuEvents[E]) => void): void;
export function shutdown(): void;
