// The host page the widget is on, for the agent console (docs/protocol.md, `hello.page`
// and `page`): URL, title, referrer and time zone, and a call when the visitor moves
// within a single-page app. The URL's fragment is left out: pages put tokens there
// (access tokens, one-time links) that an agent has no need to see.

// Single-page apps set the new title after the route changed; read it a moment later.
const TITLE_SETTLE_MS = 300;

// The protocol takes at most 4,000 code points per text (a longer one would get the
// whole hello refused); a URL or title past this is cut, which the console can live with.
const MAX_CHARS = 2000;
const cut = (text) => (text.length > MAX_CHARS ? [...text].slice(0, MAX_CHARS).join('') : text);

/** The page as the console sees it; null outside a page (the shell run under Node, in tests). */
export function currentPage() {
  if (typeof location === 'undefined' || typeof document === 'undefined') return null;
  const url = new URL(location.href);
  url.hash = '';
  return {
    url: cut(url.href),
    title: cut(document.title ?? ''),
    referrer: cut(document.referrer ?? ''),
    // Read as the frame is written (JSON.stringify), not now: the first Intl.DateTimeFormat
    // of a page loads the engine's time zone data, over 100 ms of main thread with a
    // phone's CPU, which must not hold up the bot's index load (the first hello goes
    // out after it).
    get timeZone() {
      try {
        return cut(Intl.DateTimeFormat().resolvedOptions().timeZone ?? '');
      } catch {
        return undefined; // an engine without time zone data: the console shows none
      }
    },
  };
}

export class PageContext {
  #onChange;
  #last;
  #timer = null;
  #listen = () => {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), TITLE_SETTLE_MS);
  };

  /** @param {(page: object) => void} onChange called when the URL or the title changed */
  constructor(onChange) {
    this.#onChange = onChange;
    this.#last = currentPage();
    // The Navigation API sees pushState navigations too; older engines get back/forward and hash changes.
    if (this.#last === null) return; // no page to follow
    globalThis.navigation?.addEventListener?.('navigatesuccess', this.#listen);
    addEventListener('popstate', this.#listen);
    addEventListener('hashchange', this.#listen);
  }

  get page() {
    return this.#last;
  }

  #check() {
    const page = currentPage();
    if (!page || (page.url === this.#last.url && page.title === this.#last.title)) return;
    this.#last = page;
    this.#onChange(page);
  }

  dispose() {
    clearTimeout(this.#timer);
    if (this.#last === null) return;
    globalThis.navigation?.removeEventListener?.('navigatesuccess', this.#listen);
    removeEventListener('popstate', this.#listen);
    removeEventListener('hashchange', this.#listen);
  }
}
