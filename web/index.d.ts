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
export function on<E extends KefuEventName>(event: E, listener: (detail: KefuEvents[E]) => void): void;
export function off<E extends KefuEventName>(event: E, listener: (detail: KefuEvents[E]) => void): void;
export function shutdown(): void;
