// The agent's side of a conversation in the browser tests: a raw `ws` client speaking
// the console protocol of docs/server.md ("Agent console protocol").
import WebSocket from 'ws';

export class AgentClient {
  #socket;
  #frames = [];
  #waiters = [];

  static async login(server, name) {
    const agent = new AgentClient(new WebSocket(server.agentUrl ?? server.wsUrl.replace(/\/ws$/, '/agent')));
    await new Promise((resolve, reject) => {
      agent.#socket.once('open', resolve);
      agent.#socket.once('error', reject);
    });
    agent.send({ type: 'login', token: server.agentToken, name });
    await agent.next((frame) => frame.type === 'ready');
    return agent;
  }

  constructor(socket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.#frames.push(JSON.parse(data.toString('utf8')));
      this.#flush();
    });
  }

  send(frame) {
    this.#socket.send(JSON.stringify(frame));
  }

  /** Sends a request and waits for its `result`; throws on an error result. */
  async request(frame) {
    this.send(frame);
    const result = await this.next((reply) => reply.type === 'result' && reply.request === frame.type && reply.conversationId === frame.conversationId);
    if (result.error) throw new Error(`${frame.type}: ${result.error}`);
    return result;
  }

  /** The next frame, oldest first, that matches. */
  next(match, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve, timer: setTimeout(() => reject(new Error(`agent: no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.#frames.slice(-5))}`)), timeoutMs) };
      this.#waiters.push(waiter);
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

  close() {
    this.#socket.close();
  }
}

/** The conversation id the widget's socket was welcomed with. */
export function conversationIdOf(page) {
  return new Promise((resolve) => {
    page.on('websocket', (socket) => {
      socket.on('framereceived', ({ payload }) => {
        const frame = JSON.parse(String(payload));
        if (frame.type === 'welcome') resolve(frame.conversationId);
      });
    });
  });
}
