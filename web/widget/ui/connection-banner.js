// The line to the server, shown beside the conversation (never instead of it). The
// first connection after load is not news: the banner appears once a connection was
// lost, when the browser says it is offline, or when the first one takes too long.
import { createElement } from '../create-element.js';

const FIRST_CONNECT_GRACE_MS = 4000;
const RESTORED_SHOWN_MS = 3000;

export class ConnectionBanner {
  element;
  #t;
  #wasOnline = false;
  #graceOver = false;
  #last = 'connecting';
  #timer;
  #refused = false;

  constructor(doc, translator) {
    this.#t = translator;
    this.element = createElement(doc, 'div', { className: 'banner', hidden: true, attrs: { role: 'status' } });
    this.#timer = setTimeout(() => {
      this.#graceOver = true;
      this.update(this.#last);
    }, FIRST_CONNECT_GRACE_MS);
  }

  /** @param {'online'|'connecting'|'offline'} connection */
  update(connection) {
    if (this.#refused) return;
    const previous = this.#last;
    this.#last = connection;
    const banner = this.element;
    if (connection === 'online') {
      const recovered = this.#wasLost(previous);
      this.#wasOnline = true;
      if (!recovered) {
        if (!banner.classList.contains('ok')) banner.hidden = true;
        return;
      }
      banner.className = 'banner ok';
      banner.textContent = this.#t.t('connection.restored');
      banner.hidden = false;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        if (this.#last === 'online') banner.hidden = true;
      }, RESTORED_SHOWN_MS);
      return;
    }
    const browserOffline = globalThis.navigator?.onLine === false;
    if (!this.#wasOnline && !this.#graceOver && !browserOffline) return;
    banner.className = 'banner';
    banner.textContent = this.#t.t(browserOffline ? 'connection.offline' : 'connection.reconnecting');
    banner.hidden = false;
  }

  /** No connection will come (the server refused this page): this text replaces the line's state for good. */
  refuse(text) {
    this.#refused = true;
    clearTimeout(this.#timer);
    this.element.className = 'banner refused';
    this.element.textContent = text;
    this.element.hidden = false;
  }

  #wasLost(previous) {
    return previous !== 'online' && !this.element.hidden && !this.element.classList.contains('ok');
  }

  destroy() {
    clearTimeout(this.#timer);
  }
}
