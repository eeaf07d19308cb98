// The agent's side of a conversation in the browser tests: a raw `ws` client speaking
// the console protocol of docs/server.md ("Agent console protocol").
import { openConsole } from '../server/helpers/console-session.js';

export class AgentClient {
  #client;

  /** A console of a new agent account named `name` on the in-process server. */
  static async login(server, name) {
    const { client } = await openConsole(server, { name });
    return new AgentClient(client);
  }

  constructor(client) {
    this.#client = client;
  }

  send(frame) {
    this.#client.send(frame);
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
    return this.#client.next(match, timeoutMs);
  }

  close() {
    this.#client.close();
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
