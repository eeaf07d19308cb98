// Durable conversation storage on LevelDB (classic-level; docs/server.md says why). The
// rule the whole service leans on: a visitor message is acknowledged only after the
// write batch that stores it has been synced to disk, and the (conversation, cmid) pair
// is kept forever, so a retry — seconds or days later, before or after a crash — gets
// the original ack back instead of a second copy.
import { ClassicLevel } from 'classic-level';
import { randomUUID } from 'node:crypto';

const SEQ_WIDTH = 12; // zero-padded so keys sort in seq order

export class ConversationStore {
  #db;
  #sync;
  #conversations = new Map(); // cache of conversation records (the db is the truth)
  #queues = new Map(); // conversation id -> tail of its write chain

  /**
   * @param {string} path directory of the database
   * @param {{durability?: 'flushed'|'committed'}} [options] `flushed` (default) fsyncs every
   *   batch and survives power loss; `committed` survives a killed process only, faster.
   */
  static async open(path, { durability = 'flushed' } = {}) {
    const db = new ClassicLevel(path, { valueEncoding: 'json' });
    await db.open();
    return new ConversationStore(db, durability === 'flushed');
  }

  constructor(db, sync) {
    this.#db = db;
    this.#sync = sync;
  }

  // Appends to one conversation run one after another: each reads the last seq and
  // writes the next. Different conversations proceed in parallel.
  #serialized(conversationId, work) {
    const previous = this.#queues.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => {});
    this.#queues.set(conversationId, tail);
    tail.then(() => {
      if (this.#queues.get(conversationId) === tail) this.#queues.delete(conversationId);
    });
    return next;
  }

  async #read(key) {
    const value = await this.#db.get(key);
    return value === undefined ? null : value; // classic-level 3 returns undefined for a missing key
  }

  async getConversation(conversationId) {
    if (this.#conversations.has(conversationId)) return this.#conversations.get(conversationId);
    const conversation = await this.#read(`conv:${conversationId}`);
    if (conversation) this.#conversations.set(conversationId, conversation);
    return conversation;
  }

  async createConversation({ siteId, visitorId, now }) {
    const conversation = { id: randomUUID(), siteId, visitorId, createdAt: now, lastSeq: 0, state: 'bot' };
    await this.#db.put(`conv:${conversation.id}`, conversation, { sync: this.#sync });
    this.#conversations.set(conversation.id, conversation);
    return conversation;
  }

  updateConversation(conversationId, changes) {
    return this.#serialized(conversationId, async () => {
      const current = await this.getConversation(conversationId);
      if (!current) return null;
      const updated = { ...current, ...changes, id: current.id, lastSeq: current.lastSeq };
      await this.#db.put(`conv:${conversationId}`, updated, { sync: this.#sync });
      this.#conversations.set(conversationId, updated);
      return updated;
    });
  }

  /**
   * Stores a message from the visitor exactly once per cmid.
   * @returns {Promise<{seq: number, serverId: string, duplicate: boolean}>}
   */
  appendVisitorMessage(conversationId, { cmid, text, clientTime, now, meta }) {
    return this.#serialized(conversationId, async () => {
      const earlier = await this.#read(`cmid:${conversationId}:${cmid}`);
      if (earlier) return { ...earlier, duplicate: true };
      const stored = await this.#append(conversationId, { author: 'visitor', cmid, text, clientTime, serverTime: now, meta }, (seq, serverId) => [
        { type: 'put', key: `cmid:${conversationId}:${cmid}`, value: { seq, serverId } },
      ]);
      return { seq: stored.seq, serverId: stored.serverId, duplicate: false };
    });
  }

  /** Bot, agent and system messages: numbered in the same sequence as the visitor's. */
  appendServerMessage(conversationId, { author, text, now, meta }) {
    return this.#serialized(conversationId, () => this.#append(conversationId, { author, text, serverTime: now, meta }, () => []));
  }

  // One atomic, synced batch: the message, its index entries and the new lastSeq.
  async #append(conversationId, message, extraOperations) {
    const conversation = await this.getConversation(conversationId);
    if (!conversation) throw new Error(`unknown conversation ${conversationId}`);
    const seq = conversation.lastSeq + 1;
    const serverId = `${conversationId}:${seq}`;
    const stored = { ...message, seq, serverId };
    const updated = { ...conversation, lastSeq: seq };
    await this.#db.batch(
      [
        { type: 'put', key: `msg:${conversationId}:${String(seq).padStart(SEQ_WIDTH, '0')}`, value: stored },
        { type: 'put', key: `conv:${conversationId}`, value: updated },
        ...extraOperations(seq, serverId),
      ],
      { sync: this.#sync },
    );
    this.#conversations.set(conversationId, updated);
    return stored;
  }

  /** Messages with seq > afterSeq, in order, at most `limit`. */
  async messagesAfter(conversationId, afterSeq, limit = 500) {
    const messages = [];
    const range = {
      gt: `msg:${conversationId}:${String(afterSeq).padStart(SEQ_WIDTH, '0')}`,
      lt: `msg:${conversationId};`, // ';' sorts right after ':'
      limit,
    };
    for await (const value of this.#db.values(range)) messages.push(value);
    return messages;
  }

  async createTicket({ siteId, visitorId, conversationId, message, contact, now }) {
    const ticket = { id: `T${now.toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`, siteId, visitorId, conversationId, message, contact, createdAt: now, status: 'open' };
    await this.#db.put(`ticket:${ticket.id}`, ticket, { sync: this.#sync });
    return ticket;
  }

  async tickets(siteId) {
    const tickets = [];
    for await (const ticket of this.#db.values({ gt: 'ticket:', lt: 'ticket;' })) if (ticket.siteId === siteId) tickets.push(ticket);
    return tickets;
  }

  async rate(conversationId, { stars, comment, now }) {
    const rating = { conversationId, stars, comment, ratedAt: now };
    await this.#db.put(`rating:${conversationId}`, rating, { sync: this.#sync });
    return rating;
  }

  async ratings() {
    const ratings = [];
    for await (const rating of this.#db.values({ gt: 'rating:', lt: 'rating;' })) ratings.push(rating);
    return ratings;
  }

  close() {
    return this.#db.close();
  }
}
