// The fan-out bus between server instances (`fanout: {kind: "redis", url}`): one Redis
// pub/sub channel that every instance publishes to and listens on (docs/deploy.md says
// why pub/sub, with the measurement against PostgreSQL LISTEN/NOTIFY). What it carries
// is live only — frames for people connected elsewhere, presence, "the queue changed";
// everything that must survive is in the store before it is published. Pub/sub drops
// what is published while a subscriber is disconnected, so after the subscription comes
// back `onGap` handlers run: the server then has its clients catch up from the store.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

const CHANNEL = 'kefu:fanout';
const CONNECT_TIMEOUT_MS = 3000;

export class FanoutUnreachableError extends Error {
  code = 'fanout_unreachable';
}

export class RedisFanout {
  instanceId = randomUUID();
  shared = true; // other instances share the store
  #publisher;
  #subscriber;
  #handlers = [];
  #gapHandlers = [];
  #lostSubscription = false;

  /**
   * Connects both clients and subscribes before the server listens; an unreachable
   * Redis is a FanoutUnreachableError (the start fails with one line, exit 2).
   * @param {string} url redis://host:port
   */
  static async open(url) {
    const options = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 100, 2000) };
    const fanout = new RedisFanout(new Redis(url, options), new Redis(url, options));
    try {
      await fanout.#connect();
    } catch (error) {
      fanout.#publisher.disconnect();
      fanout.#subscriber.disconnect();
      throw new FanoutUnreachableError(`Redis at ${url} is unreachable (${error.code ?? error.message})`, { cause: error });
    }
    return fanout;
  }

  constructor(publisher, subscriber) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    // Errors while Redis is away are expected: ioredis reconnects by itself.
    publisher.on('error', () => {});
    subscriber.on('error', () => {});
    subscriber.on('messageBuffer', (_channel, data) => this.#receive(data));
  }

  async #connect() {
    // A refused connection would otherwise be retried for ever before connect() settles.
    const first = (client) => new Promise((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
      client.connect().catch(reject);
    });
    await Promise.all([first(this.#publisher), first(this.#subscriber)]);
    await this.#subscriber.subscribe(CHANNEL);
    // ioredis subscribes again after a reconnect; what was published meanwhile is lost.
    this.#subscriber.on('close', () => {
      this.#lostSubscription = true;
    });
    this.#subscriber.on('ready', () => {
      if (!this.#lostSubscription) return;
      this.#lostSubscription = false;
      for (const handler of this.#gapHandlers) handler();
    });
  }

  #receive(data) {
    const message = JSON.parse(data.toString('utf8'));
    if (message.origin === this.instanceId) return;
    for (const handler of this.#handlers) handler(message);
  }

  /** Sends `message` (JSON) to every other instance; queued by the client while Redis is away. */
  publish(message) {
    this.#publisher.publish(CHANNEL, JSON.stringify({ ...message, origin: this.instanceId })).catch(() => {});
  }

  subscribe(handler) {
    this.#handlers.push(handler);
  }

  onGap(handler) {
    this.#gapHandlers.push(handler);
  }

  async dispose() {
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }
}
