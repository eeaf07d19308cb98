// The console's socket to `/agent`: opens on the session cookie the browser sends,
// dispatches frames by type, and reconnects with backoff while the session lives; when
// it has ended (logout, account disabled) it says `unauthorized` and stops.
import { consoleApi } from './console-api.js';

const MAX_RETRY_MS = 15000;

export class ConsoleConnection {
  #url;
  #wanted = false;
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

  connect() {
    this.#wanted = true;
    this.#refused = false;
    this.#open();
  }

  /** Closes the socket for good (logged out). */
  disconnect() {
    this.#wanted = false;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close();
  }

  #open() {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    this.#emit('connection', 'connecting');
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'login' }));
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
    socket.addEventListener('close', async () => {
      if (this.#socket !== socket || !this.#wanted) return;
      this.#emit('connection', 'offline');
      if (this.#refused) return;
      // A refused upgrade looks like any lost connection: ask whether the session lives.
      const { status, body } = await consoleApi('session').catch(() => ({ status: 0, body: {} }));
      if (status === 200 && body.account === null) {
        this.#wanted = false;
        this.#emit('unauthorized', {});
        return;
      }
      setTimeout(() => this.#wanted && this.#open(), this.#retryMs);
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
