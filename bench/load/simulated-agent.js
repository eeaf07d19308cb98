// One simulated agent console on `/agent`: logs in, accepts the conversations it is
// given, and records when each visitor message (by cmid) first reached it. Like the
// console it reconnects when its socket closes — to the next instance in `urls`, as a
// load balancer would send it — logs in again on the same session cookie, and fetches the
// history of its conversations (what a console shows on reopening a conversation), so
// "seen" means seen live or caught up after a reconnect.
import WebSocket from 'ws';

const RECONNECT_MS = 200;

export class SimulatedAgent {
  #urls;
  #next;
  #cookie;
  #socket = null;
  #requests = new Map(); // requestId -> resolve
  #requestCounter = 0;
  #stopped = false;
  #onReady = null;
  name;
  conversations = new Set();
  receivedAt = new Map(); // cmid -> ms it first arrived (live or in a history)
  reconnects = 0;

  constructor({ urls, home, cookie, name }) {
    this.#urls = urls;
    this.#next = home;
    this.#cookie = cookie;
    this.name = name;
  }

  /** Resolves once logged in. */
  start() {
    return new Promise((resolve) => {
      this.#onReady = resolve;
      this.#connect();
    });
  }

  #connect() {
    if (this.#stopped) return;
    const url = this.#urls[this.#next % this.#urls.length];
    this.#next += 1;
    // The session cookie and the instance's own origin, as the console page sends them.
    const socket = new WebSocket(url, { headers: { cookie: this.#cookie, origin: new URL(url.replace(/^ws/, 'http')).origin } });
    this.#socket = socket;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'login' })));
    socket.on('message', (data) => this.#onFrame(JSON.parse(data.toString('utf8'))));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = null;
      this.reconnects += 1;
      setTimeout(() => this.#connect(), RECONNECT_MS);
    });
  }

  #onFrame(frame) {
    const now = Date.now();
    if (frame.type === 'msg' && frame.message.cmid && !this.receivedAt.has(frame.message.cmid)) this.receivedAt.set(frame.message.cmid, now);
    if (frame.type === 'ready') {
      const first = this.#onReady;
      this.#onReady = null;
      if (first) first();
      else for (const id of this.conversations) this.#send({ type: 'history', conversationId: id });
    }
    if (frame.type === 'history') {
      for (const message of frame.messages) if (message.cmid && !this.receivedAt.has(message.cmid)) this.receivedAt.set(message.cmid, now);
    }
    if (frame.requestId !== undefined) {
      this.#requests.get(frame.requestId)?.(frame);
      this.#requests.delete(frame.requestId);
    }
  }

  #send(frame) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  /** Accepts a waiting conversation; resolves to the server's result frame. */
  accept(conversationId) {
    const requestId = ++this.#requestCounter;
    return new Promise((resolve) => {
      this.#requests.set(requestId, (result) => {
        if (result.ok) this.conversations.add(conversationId);
        resolve(result);
      });
      this.#send({ type: 'accept', conversationId, requestId });
    });
  }

  stop() {
    this.#stopped = true;
    this.#socket?.terminate();
  }
}
