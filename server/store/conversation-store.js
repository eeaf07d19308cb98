// Durable conversation storage on LevelDB (classic-level; docs/server.md says why). The
// rule the whole service leans on: a visitor message is acknowledged only after the
// write batch that stores it has been synced to disk, and the (conversation, cmid) pair
// is kept forever, so a retry — seconds or days later, before or after a crash — gets
// the original ack back instead of a second copy.
import { ClassicLevel } from 'classic-level';
import { randomUUID } from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';

const SEQ_WIDTH = 12; // zero-padded so keys sort in seq order

export class ConversationStore {
  #db;
  #sync;
  #conversations; // cache of conversation records (the db is the truth)
  #queues = new Map(); // conversation id -> tail of its write chain
  // `${conversation}:${epoch}` -> next expected cseq; this process is the database's
  // only writer, so a value read or written once stays true (saves a read per message).
  #expectedCseqs;

  /**
   * @param {string} path directory of the database
   * @param {{durability?: 'flushed'|'committed'}} [options] `flushed` (default) fsyncs every
   *   batch and survives power loss; `committed` survives a killed process only, faster.
   */
  static async open(path, { durability = 'flushed', cacheEntries = 50_000 } = {}) {
    const db = new ClassicLevel(path, { valueEncoding: 'json' });
    await db.open();
    return new ConversationStore(db, durability === 'flushed', cacheEntries);
  }

  constructor(db, sync, cacheEntries = 50_000) {
    this.#db = db;
    this.#sync = sync;
    this.#conversations = new BoundedCache(cacheEntries);
    this.#expectedCseqs = new BoundedCache(cacheEntries);
  }

  // Group commit: message batches of different conversations that are ready while a
  // write is in progress go to disk together in the next write (one native call, one
  // fsync). Each caller still resolves only after its own operations are committed.
  #waitingWrites = [];
  #writing = false;

  #write(operations) {
    return new Promise((resolve, reject) => {
      this.#waitingWrites.push({ operations, resolve, reject });
      if (!this.#writing) this.#flushWrites();
    });
  }

  async #flushWrites() {
    this.#writing = true;
    while (this.#waitingWrites.length > 0) {
      const group = this.#waitingWrites.splice(0);
      try {
        await this.#db.batch(group.flatMap((write) => write.operations), { sync: this.#sync });
        for (const write of group) write.resolve();
      } catch (error) {
        for (const write of group) write.reject(error);
      }
    }
    this.#writing = false;
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

  /**
   * A new conversation, reachable later by its session token (resume after a reload
   * or a reconnect). Token and conversation are written in one batch.
   */
  /**
   * `adoptCseqOf`: a client epoch already numbering its messages elsewhere (its old
   * conversation is gone): this conversation takes the epoch's next cseq from its first
   * message instead of expecting 1, which that client would never send.
   */
  async createConversation({ siteId, visitorId, now, sessionToken = null, identity = null, adoptCseqOf = null }) {
    const conversation = { id: randomUUID(), siteId, visitorId, createdAt: now, lastSeq: 0, state: 'bot' };
    if (identity) conversation.identity = identity;
    const operations = [{ type: 'put', key: `conv:${conversation.id}`, value: conversation }];
    if (sessionToken) operations.push({ type: 'put', key: `token:${sessionToken}`, value: { conversationId: conversation.id } });
    if (adoptCseqOf !== null) {
      operations.push({ type: 'put', key: `cseq:${conversation.id}:${adoptCseqOf}`, value: { next: null } });
      this.#expectedCseqs.set(`${conversation.id}:${adoptCseqOf}`, null);
    }
    await this.#db.batch(operations, { sync: this.#sync });
    this.#conversations.set(conversation.id, conversation);
    return conversation;
  }

  async conversationIdForToken(sessionToken) {
    const entry = await this.#read(`token:${sessionToken}`);
    return entry ? entry.conversationId : null;
  }

  /** Every conversation record, in id order (used at start to rebuild the queue). */
  async *conversations() {
    for await (const conversation of this.#db.values({ gt: 'conv:', lt: 'conv;' })) yield conversation;
  }

  /** The cseq the next message of this client epoch must carry (1 for a new epoch; null: any, see adoptCseqOf). */
  async expectedCseq(conversationId, epoch) {
    const cacheKey = `${conversationId}:${epoch}`;
    if (!this.#expectedCseqs.has(cacheKey)) {
      const entry = await this.#read(`cseq:${conversationId}:${epoch}`);
      this.#expectedCseqs.set(cacheKey, entry ? entry.next : 1);
    }
    return this.#expectedCseqs.get(cacheKey);
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
   *
   * With an `epoch`, the message is stored only when `cseq` is the one expected next for
   * that client epoch; otherwise nothing is written and `expectedCseq` says where the
   * client must resend from. The expected cseq is advanced in the same atomic batch as
   * the message, so a restart can neither accept a duplicate nor lose the order.
   *
   * `botReply` ({text, tier, faqId}) is what the visitor's local bot answered: it is
   * stored in the same batch right after the message (seq + 1, `replyTo` = cmid), so
   * history shows it and a crash cannot keep one without the other.
   *
   * `unanswered` ({siteId, tier}) files the text for the hot-questions report.
   *
   * @returns {Promise<{seq: number, serverId: string, duplicate: boolean, reply: object|null} | {expectedCseq: number}>}
   */
  appendVisitorMessage(conversationId, { cmid, cseq, epoch, text, clientTime, now, meta, botReply = null, unanswered = null }) {
    return this.#serialized(conversationId, async () => {
      const earlier = await this.#read(`cmid:${conversationId}:${cmid}`);
      if (earlier) return { seq: earlier.seq, serverId: earlier.serverId, duplicate: true };
      const cseqKey = `cseq:${conversationId}:${epoch}`;
      if (epoch !== undefined) {
        const expected = await this.expectedCseq(conversationId, epoch);
        if (expected !== null && cseq !== expected) return { expectedCseq: expected };
      }
      const visitorMessage = { author: 'visitor', cmid, text, clientTime, serverTime: now, meta };
      if (cseq !== undefined) visitorMessage.cseq = cseq;
      const messages = [visitorMessage];
      if (botReply) messages.push({ author: 'bot', text: botReply.text, replyTo: cmid, serverTime: now, meta: { tier: botReply.tier, faqId: botReply.faqId } });
      const [stored, reply] = await this.#append(conversationId, messages, (seq, serverId) => {
        const operations = [{ type: 'put', key: `cmid:${conversationId}:${cmid}`, value: { seq, serverId } }];
        if (epoch !== undefined) operations.push({ type: 'put', key: cseqKey, value: { next: cseq + 1 } });
        if (unanswered) {
          operations.push({ type: 'put', key: `unanswered:${unanswered.siteId}:${String(now).padStart(15, '0')}:${serverId}`, value: { text, tier: unanswered.tier, at: now, conversationId } });
        }
        return operations;
      });
      if (epoch !== undefined) this.#expectedCseqs.set(`${conversationId}:${epoch}`, cseq + 1);
      return { seq: stored.seq, serverId: stored.serverId, duplicate: false, reply: reply ?? null };
    });
  }

  /** Bot, agent and system messages: numbered in the same sequence as the visitor's. */
  appendServerMessage(conversationId, { author, text, now, meta, name }) {
    const message = { author, text, serverTime: now, meta };
    if (name) message.name = name;
    return this.#serialized(conversationId, async () => (await this.#append(conversationId, [message], () => []))[0]);
  }

  // One atomic, synced batch: the messages (consecutive seqs), their index entries and
  // the new lastSeq. `extraOperations` receives the first message's seq and serverId.
  async #append(conversationId, messages, extraOperations) {
    const conversation = await this.getConversation(conversationId);
    if (!conversation) throw new Error(`unknown conversation ${conversationId}`);
    const stored = messages.map((message, i) => {
      const seq = conversation.lastSeq + 1 + i;
      return { ...message, seq, serverId: `${conversationId}:${seq}` };
    });
    const updated = { ...conversation, lastSeq: conversation.lastSeq + messages.length };
    await this.#write([
      ...stored.map((message) => ({ type: 'put', key: `msg:${conversationId}:${String(message.seq).padStart(SEQ_WIDTH, '0')}`, value: message })),
      { type: 'put', key: `conv:${conversationId}`, value: updated },
      ...extraOperations(stored[0].seq, stored[0].serverId),
    ]);
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

  /**
   * Leave-a-message. With a `cmid` the ticket is created once per (conversation, cmid):
   * a retried frame returns the original ticket.
   * @returns {Promise<{ticket: object, duplicate: boolean}>|Promise<object>}
   */
  async createTicket({ siteId, visitorId, conversationId, message, contact, now, cmid }) {
    const create = async () => {
      const ticket = { id: `T${now.toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`, siteId, visitorId, conversationId, message, contact, createdAt: now, status: 'open' };
      const operations = [{ type: 'put', key: `ticket:${ticket.id}`, value: ticket }];
      if (cmid !== undefined) operations.push({ type: 'put', key: `ticketcmid:${conversationId}:${cmid}`, value: { ticketId: ticket.id } });
      await this.#db.batch(operations, { sync: this.#sync });
      return ticket;
    };
    if (cmid === undefined) return create();
    return this.#serialized(conversationId, async () => {
      const earlier = await this.#read(`ticketcmid:${conversationId}:${cmid}`);
      if (earlier) return { ticket: await this.#read(`ticket:${earlier.ticketId}`), duplicate: true };
      return { ticket: await create(), duplicate: false };
    });
  }

  /** Marks a ticket handled (or open again); null for an unknown id. */
  async setTicketStatus(ticketId, status, { by, now }) {
    const ticket = await this.#read(`ticket:${ticketId}`);
    if (!ticket) return null;
    const updated = { ...ticket, status, handledBy: by, handledAt: now };
    await this.#write([{ type: 'put', key: `ticket:${ticketId}`, value: updated }]);
    return updated;
  }

  /** Questions the visitors' bot could not answer (tier suggest or handoff), oldest first. */
  async unansweredQuestions(siteId, { since = 0 } = {}) {
    const questions = [];
    const range = { gte: `unanswered:${siteId}:${String(since).padStart(15, '0')}`, lt: `unanswered:${siteId};` };
    for await (const question of this.#db.values(range)) questions.push(question);
    return questions;
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
