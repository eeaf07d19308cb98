// A test client on a real `ws` socket: queues every frame that arrives and lets a
// test wait for the next one matching a predicate. Frames from a visitor endpoint are
// checked against protocol v1, so a server frame the widget would reject fails here.
import WebSocket from 'ws';
import { frameError } from '../../../server/protocol/frame-validator.js';

export class SocketClient {
  #socket;
  #frames = [];
  #waiters = [];
  closed;

  static async open(url, { origin, headers, protocolChecked = true } = {}) {
    const client = new SocketClient(new WebSocket(url, { ...(origin ? { origin } : {}), ...(headers ? { headers } : {}) }), protocolChecked);
    await client.opened;
    return client;
  }

  constructor(socket, protocolChecked) {
    this.#socket = socket;
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString('utf8'));
      if (protocolChecked) {
        const error = frameError(frame, 'toClient');
        if (error) throw new Error(`the server sent an invalid frame ${data}: ${error.message}`);
      }
      this.#frames.push(frame);
      this.#flush();
    });
  }

  #flush() {
    for (const waiter of [...this.#waiters]) {
      const index = this.#frames.findIndex(waiter.match);
      if (index < 0) continue;
      const [frame] = this.#frames.splice(index, 1);
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    }
  }

  send(frame) {
    this.#socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (oldest first) that matches: a type name or a predicate. */
  next(match = () => true, timeoutMs = 3000) {
    const predicate = typeof match === 'string' ? (frame) => frame.type === match : match;
    return new Promise((resolve, reject) => {
      const waiter = { match: predicate, resolve, timer: setTimeout(() => reject(new Error(`no frame matching ${match} within ${timeoutMs} ms; queued: ${JSON.stringify(this.#frames).slice(0, 600)}`)), timeoutMs) };
      this.#waiters.push(waiter);
      this.#flush();
    });
  }

  async request(frame, match, timeoutMs) {
    this.send(frame);
    return this.next(match, timeoutMs);
  }

  /** Frames that arrived and nobody waited for. */
  pending() {
    return [...this.#frames];
  }

  /** Takes every frame that arrived and nobody waited for. */
  drain() {
    return this.#frames.splice(0);
  }

  close() {
    this.#socket.close();
    return this.closed;
  }
}

let visitorCounter = 0;

/** hello with sensible defaults; resolves to the welcome. */
export async function helloVisitor(client, fields = {}) {
  visitorCounter += 1;
  return client.request({ type: 'hello', v: 1, siteId: 'demo', visitorId: `v-test-${visitorCounter}`, epoch: `e-${visitorCounter}`, sessionToken: null, lastSeq: 0, locale: 'zh-CN', ...fields }, 'welcome');
}
