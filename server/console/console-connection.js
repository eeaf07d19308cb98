// The console's socket to `/agent`: logs in with the token, dispatches frames by type,
// and reconnects with backoff (logging in again) until the token is refused.
const MAX_RETRY_MS = 15000;

export class ConsoleConnection {
  #url;
  #credentials = null;
  #socket = null;
  #handlers = new Map();
  #retryMs = 500;
  #refused = false;

  constructor(url) {
    this.#url = url;
  }

  on(type, handler) {
    if (!this.#handlers.has(type)) this.#handlers.set(type, []);
    this.#handlers.get(type).push(handler);
    return this;
  }

  #emit(type, payload) {
    for (const handler of this.#handlers.get(type) ?? []) handler(payload);
  }

  /** `team` is optional: the agent's team until accounts say which it is. */
  login(token, name, team) {
    this.#credentials = { token, name, team };
    this.#refused = false;
    this.#open();
  }

  #open() {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    this.#emit('connection', 'connecting');
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'login', ...this.#credentials }));
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === 'ready') {
        this.#retryMs = 500;
        this.#emit('connection', 'online');
      }
      if (frame.type === 'error' && frame.code === 'unauthorized') {
        this.#refused = true;
        this.#emit('unauthorized', frame);
        return;
      }
      this.#emit(frame.type, frame);
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#emit('connection', 'offline');
      if (this.#refused) return;
      setTimeout(() => this.#open(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    });
  }

  send(frame) {
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
}
