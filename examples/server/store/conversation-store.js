// Durable conversation storage on LMDB (docs/server.md says why LMDB). The rule the
// whole service leans on: a visitor message is acknowledged only after the
// transaction that stores it has been flushed to disk, and the (conversation, cmid)
// pair is kept forever, so a retry — seconds or days later, before or after a crash —
// gets the original ack back instead of a second copy.
import { open } from 'lmdb';
import { randomUUID } from 'node:crypto';

export class ConversationStore {
  #env;
  #conversations;
  #messages;
  #cmids;
  #tickets;
  #ratings;
  #awaitFlush;

  /**
   * @param {string} path directory of the database
   * @param {{durability?: 'flushed'|'committed'}} [options] `flushed` (default) survives
   *   power loss; `committed` survives a killed process only, and is faster.
   */
  static open(path, { durability = 'flushed' } = {}) {
    return new ConversationStore(open({ path, compression: false }), durability === 'flushed');
  }

  constructor(env, awaitFlush) {
    this.#env = env;
    this.#awaitFlush = awaitFlush;
    this.#conversations = env.openDB({ name: 'conversations' });
    this.#messages = env.openDB({ name: 'messages' }); // key [conversationId, seq]
    this.#cmids = env.openDB({ name: 'cmids' }); // key [conversationId, cmid] -> {seq, serverId}
    this.#tickets = env.openDB({ name: 'tickets' });
    this.#ratings = env.openDB({ name: 'ratings' });
  }

  async #durable(transaction) {
    const result = await this.#env.transaction(transaction);
    if (this.#awaitFlush) await this.#env.flushed;
    return result;
  }

  getConversation(conversationId) {
    return this.#conversations.get(conversationId) ?? null;
  }

  createConversation({ siteId, visitorId, now }) {
    const conversation = { id: randomUUID(), siteId, visitorId, createdAt: now, lastSeq: 0, state: 'bot' };
    return this.#durable(() => {
      this.#conversations.putSync(conversation.id, conversation);
      return conversation;
    });
  }

  updateConversation(conversationId, changes) {
    return this.#durable(() => {
      const current = this.#conversations.get(conversationId);
      if (!current) return null;
      const updated = { ...current, ...changes, id: current.id, lastSeq: current.lastSeq };
      this.#conversations.putSync(conversationId, updated);
      return updated;
    });
  }

  /**
   * Stores a message from the visitor exactly once per cmid.
   * @returns {Promise<{seq: number, serverId: string, duplicate: boolean}>}
   */
  appendVisitorMessage(conversationId, { cmid, text, clientTime, now, meta }) {
    return this.#durable(() => {
      const earlier = this.#cmids.get([conversationId, cmid]);
      if (earlier) return { ...earlier, duplicate: true };
      const stored = this.#appendSync(conversationId, { author: 'visitor', cmid, text, clientTime, serverTime: now, meta });
      this.#cmids.putSync([conversationId, cmid], { seq: stored.seq, serverId: stored.serverId });
      return { seq: stored.seq, serverId: stored.serverId, duplicate: false };
    });
  }

  /** Bot, agent and system messages: numbered in the same sequence as the visitor's. */
  appendServerMessage(conversationId, { author, text, now, meta }) {
    return this.#durable(() => this.#appendSync(conversationId, { author, text, serverTime: now, meta }));
  }

  #appendSync(conversationId, message) {
    const conversation = this.#conversations.get(conversationId);
    if (!conversation) throw new Error(`unknown conversation ${conversationId}`);
    const seq = conversation.lastSeq + 1;
    const stored = { ...message, seq, serverId: `${conversationId}:${seq}` };
    this.#messages.putSync([conversationId, seq], stored);
    this.#conversations.putSync(conversationId, { ...conversation, lastSeq: seq });
    return stored;
  }

  /** Messages with seq > afterSeq, in order, at most `limit`. */
  messagesAfter(conversationId, afterSeq, limit = 500) {
    const messages = [];
    for (const { value } of this.#messages.getRange({ start: [conversationId, afterSeq + 1], end: [conversationId, Infinity], limit })) {
      messages.push(value);
    }
    return messages;
  }

  createTicket({ siteId, visitorId, conversationId, message, contact, now }) {
    const ticket = { id: `T${now.toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`, siteId, visitorId, conversationId, message, contact, createdAt: now, status: 'open' };
    return this.#durable(() => {
      this.#tickets.putSync(ticket.id, ticket);
      return ticket;
    });
  }

  tickets(siteId) {
    return [...this.#tickets.getRange()].map(({ value }) => value).filter((ticket) => ticket.siteId === siteId);
  }

  rate(conversationId, { stars, comment, now }) {
    return this.#durable(() => {
      const rating = { conversationId, stars, comment, ratedAt: now };
      this.#ratings.putSync(conversationId, rating);
      return rating;
    });
  }

  ratings() {
    return [...this.#ratings.getRange()].map(({ value }) => value);
  }

  close() {
    return this.#env.close();
  }
}
