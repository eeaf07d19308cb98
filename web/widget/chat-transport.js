// The WebSocket to the Kefu server, and nothing else: it opens when the session core
// says `connect`, closes on `disconnect`, and reports open / frame / close back. When
// to reconnect (backoff, jitter, heartbeats) is the core's decision, not this class's,
// with one exception: a server that closed with a refusal no retry can change (this
// page's origin is not allowed, the site does not exist) is never dialled again.

// Close 1008 (policy) with one of these reasons (docs/server.md).
const CLOSE_POLICY = 1008;
export const REFUSALS = new Set(['origin_not_allowed', 'unknown_site']);

export class ChatTransport {
  #url;
  #Socket;
  #socket = null;
  #handlers;
  #helloFields = {};
  #page = null;
  #refusal = null;

  /**
   * @param {string} url ws:// or wss:// URL of the server's visitor endpoint
   * @param {{onOpen: () => void, onFrame: (text: string) => void, onClose: () => void, onRefused: (code: string) => void}} handlers
   * @param {typeof WebSocket} [Socket]
   */
  constructor(url, handlers, Socket = globalThis.WebSocket) {
    this.#url = url;
    this.#handlers = handlers;
    this.#Socket = Socket;
  }

  /** 'idle' | 'opening' | 'open' | 'refused' */
  get state() {
    if (this.#refusal) return 'refused';
    if (!this.#socket) return 'idle';
    return this.#socket.readyState === 1 ? 'open' : 'opening';
  }

  /**
   * What the page said about the visitor: `identity` (`Kefu('identify')`, the logged-in
   * user) and `attributes` (`Kefu('update')`). The core writes `hello` without them, so
   * they are added here, on the way out, and sent on every connection from now on.
   * @param {{identity?: object, attributes?: Record<string, string>}} fields
   */
  setHelloFields(fields) {
    this.#helloFields = fields;
  }

  /** The host page (page-context.js), added to every hello like the identity. */
  setPage(page) {
    this.#page = page;
  }

  open() {
    if (this.#socket || this.#refusal) return; // already open or opening, or refused for good
    let socket;
    try {
      socket = new this.#Socket(this.#url);
    } catch {
      // A malformed URL or a blocked scheme: report a closed line so the core backs off.
      queueMicrotask(() => this.#handlers.onClose());
      return;
    }
    this.#socket = socket;
    socket.onopen = () => this.#handlers.onOpen();
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.#handlers.onFrame(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      if (event?.code === CLOSE_POLICY && REFUSALS.has(event.reason)) {
        this.#refusal = event.reason;
        this.#handlers.onRefused(event.reason);
      } else this.#handlers.onClose();
    };
  }

  /**
   * @param {string|object} frame the frame's JSON text, as the core's send effect carries
   *   it (`frameText`, sent as it is), or the frame
   * @returns {boolean} whether the frame went out; the core resends what matters
   */
  send(frame) {
    if (this.state !== 'open') return false;
    let text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    // Only a hello carries them (identity, attributes, the page). The core's JSON has no
    // spaces, so every hello's text contains this; the parse confirms it for the rare other frame that does.
    if ((Object.keys(this.#helloFields).length > 0 || this.#page) && text.includes('"type":"hello"')) {
      const parsed = JSON.parse(text);
      if (parsed.type === 'hello') text = JSON.stringify({ ...parsed, ...this.#helloFields, ...(this.#page ? { page: this.#page } : {}) });
    }
    this.#socket.send(text);
    return true;
  }

  /** Closes without reporting back: the core asked for it, so it knows already. */
  close() {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    try {
      socket.close();
    } catch {
      // closing a socket that never opened can throw in old engines; it is gone either way
    }
  }
}
