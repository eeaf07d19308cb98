// Durable conversation storage on LevelDB (classic-level; docs/server.md says why). The
// rule the whole service leans on: a visitor message is acknowledged only after the
// write batch that stores it has been synced to disk, and the (conversation, cmid) pair
// is kept forever, so a retry — seconds or days later, before or after a crash — gets
// the original ack back instead of a second copy.
import { claimChanges, claimExpected } from './claim-rules.js';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { BoundedCache } from './bounded-cache.js';
import { DEFAULT_CONFIG } from '../config.js';
import { COMMITS_KEY, openCheckedDatabase, writeCommitsFile } from './store-integrity.js';

const SEQ_WIDTH = 12; // zero-padded so keys sort in seq order
const HOT_GROUP_WIDTH = 12;
// What a cached entry costs beyond its text: the Map entry, the object, the key.
const ENTRY_OVERHEAD_BYTES = 96;
// V8 keeps a string in one or two bytes per character; count two (the worst case).
const recordBytes = (key, value) => ENTRY_OVERHEAD_BYTES + 2 * (key.length + JSON.stringify(value).length);
const numberBytes = (key) => ENTRY_OVERHEAD_BYTES + 2 * key.length;
// The commit count is copied beside the store at most this often while writes land
// (and at close); the file only has to trail the database, never lead it.
const COMMITS_FILE_INTERVAL_MS = 1000;

export class ConversationStore {
  #db;
  #path;
  #sync;
  // Conversation records without lastSeq (the db is the truth). A message append does
  // not rewrite the record: lastSeq is the seq of the conversation's last message key.
  #conversations;
  #lastSeqs; // conversation id -> seq of its last message
  #queues = new Map(); // conversation id -> tail of its write chain
  // `${conversation}:${epoch}` -> next expected cseq; this process is the database's
  // only writer, so a value read or written once stays true (saves a read per message).
  #expectedCseqs;
  #commits; // write batches committed (see store-integrity.js)
  #commitsFileTimer = null;
  #commitsFileWrite = Promise.resolve();

  /**
   * Opens the database after checking it is whole (store-integrity.js): a damaged store
   * throws a StoreDamagedError naming the problem and the fix.
   * @param {string} path directory of the database
   * @param {{durability?: 'flushed'|'committed', conversationCacheBytes?: number, sequenceCacheBytes?: number, warn?: Function}} [options]
   *   `flushed` (default) fsyncs every batch and survives power loss; `committed` survives a killed process only, faster.
   */
  static async open(path, { durability = 'flushed', conversationCacheBytes = DEFAULT_CONFIG.limits.conversationCacheBytes, sequenceCacheBytes = DEFAULT_CONFIG.limits.sequenceCacheBytes, warn = () => {} } = {}) {
    const { db, commits } = await openCheckedDatabase(path, { warn });
    const store = new ConversationStore(db, path, { sync: durability === 'flushed', commits, conversationCacheBytes, sequenceCacheBytes });
    await writeCommitsFile(path, commits, { sync: store.#sync }); // a store from before the counter gets its file now
    return store;
  }

  constructor(db, path, { sync, commits, conversationCacheBytes, sequenceCacheBytes }) {
    this.#db = db;
    this.#path = path;
    this.#sync = sync;
    this.#commits = commits;
    this.#conversations = new BoundedCache(conversationCacheBytes, recordBytes);
    this.#lastSeqs = new BoundedCache(sequenceCacheBytes / 2, numberBytes);
    this.#expectedCseqs = new BoundedCache(sequenceCacheBytes / 2, numberBytes);
  }

  /** Estimated bytes the caches hold: each at most its budget. */
  get cachedBytes() {
    return { conversations: this.#conversations.bytes, sequences: this.#lastSeqs.bytes + this.#expectedCseqs.bytes };
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
        const commits = this.#commits + 1;
        await this.#db.batch([...group.flatMap((write) => write.operations), { type: 'put', key: COMMITS_KEY, value: commits }], { sync: this.#sync });
        this.#commits = commits;
        this.#scheduleCommitsFile();
        for (const write of group) write.resolve();
      } catch (error) {
        for (const write of group) write.reject(error);
      }
    }
    this.#writing = false;
  }

  #scheduleCommitsFile() {
    if (this.#commitsFileTimer) return;
    this.#commitsFileTimer = setTimeout(() => {
      this.#commitsFileTimer = null;
      this.#saveCommitsFile();
    }, COMMITS_FILE_INTERVAL_MS);
    this.#commitsFileTimer.unref();
  }

  #saveCommitsFile() {
    const commits = this.#commits;
    this.#commitsFileWrite = this.#commitsFileWrite.then(() => writeCommitsFile(this.#path, commits, { sync: this.#sync })).catch(() => {
      // Only the damage check at the next start reads it; a failed copy leaves the old, lower count.
    });
    return this.#commitsFileWrite;
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

  async #record(conversationId) {
    if (this.#conversations.has(conversationId)) return this.#conversations.get(conversationId);
    const record = await this.#read(`conv:${conversationId}`);
    if (record) this.#conversations.set(conversationId, record);
    return record;
  }

  // The seq of the conversation's last message key (0 before any).
  async #lastSeq(conversationId) {
    if (this.#lastSeqs.has(conversationId)) return this.#lastSeqs.get(conversationId);
    const [last] = await this.#db.keys({ gt: `msg:${conversationId}:`, lt: `msg:${conversationId};`, reverse: true, limit: 1 }).all();
    const lastSeq = last ? Number(last.slice(last.lastIndexOf(':') + 1)) : 0;
    this.#lastSeqs.set(conversationId, lastSeq); // may be forgotten at once (a cache smaller than one entry)
    return lastSeq;
  }

  /** The conversation record with its `lastSeq`, or null. */
  async getConversation(conversationId) {
    const record = await this.#record(conversationId);
    return record ? { ...record, lastSeq: await this.#lastSeq(conversationId) } : null;
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
    const conversation = { id: randomUUID(), siteId, visitorId, createdAt: now, state: 'bot' };
    if (identity) conversation.identity = identity;
    const operations = [{ type: 'put', key: `conv:${conversation.id}`, value: conversation }];
    if (sessionToken) operations.push({ type: 'put', key: `token:${sessionToken}`, value: { conversationId: conversation.id } });
    if (adoptCseqOf !== null) {
      operations.push({ type: 'put', key: `cseq:${conversation.id}:${adoptCseqOf}`, value: { next: null } });
      this.#expectedCseqs.set(`${conversation.id}:${adoptCseqOf}`, null);
    }
    await this.#write(operations);
    this.#conversations.set(conversation.id, conversation);
    this.#lastSeqs.set(conversation.id, 0);
    return { ...conversation, lastSeq: 0 };
  }

  async conversationIdForToken(sessionToken) {
    const entry = await this.#read(`token:${sessionToken}`);
    return entry ? entry.conversationId : null;
  }

  /** Every conversation record (without lastSeq), in id order (used at start to rebuild the queue). */
  async *conversations() {
    for await (const conversation of this.#db.values({ gt: 'conv:', lt: 'conv;' })) yield conversation;
  }

  /** The cseq the next message of this client epoch must carry (1 for a new epoch; null: any, see adoptCseqOf). */
  async expectedCseq(conversationId, epoch) {
    const cacheKey = `${conversationId}:${epoch}`;
    if (this.#expectedCseqs.has(cacheKey)) return this.#expectedCseqs.get(cacheKey);
    const entry = await this.#read(`cseq:${conversationId}:${epoch}`);
    const expected = entry ? entry.next : 1;
    this.#expectedCseqs.set(cacheKey, expected);
    return expected;
  }

  updateConversation(conversationId, changes) {
    return this.#serialized(conversationId, async () => {
      const current = await this.#record(conversationId);
      if (!current) return null;
      const { lastSeq, ...record } = { ...current, ...changes, id: current.id };
      await this.#write([{ type: 'put', key: `conv:${conversationId}`, value: record }]);
      this.#conversations.set(conversationId, record);
      return { ...record, lastSeq: await this.#lastSeq(conversationId) };
    });
  }

  /**
   * An agent takes a conversation: atomically, only while it is as `expected` (by default
   * `queued`; a transfer expects `with_agent` and the agent it leaves) and while the
   * agent (`agentId`, an account id) holds fewer than `limit` conversations
   * (`with_agent`), it becomes theirs (`with_agent`, `agentId`, `agentName`,
   * `acceptedAt`, `note` appended to `notes`). Of concurrent claims on one conversation
   * exactly one succeeds; one agent's claims are counted one at a time.
   * @returns {Promise<{conversation: object} | {error: 'unknown_conversation'|'not_waiting'|'agent_at_limit'}>}
   */
  claimConversation(conversationId, { agentId, agentName, now, limit = Infinity, expected = { state: 'queued' }, note = null, reportTeamOf = null }) {
    // The agent's chain, then the conversation's: every claim takes them in this order.
    return this.#serialized(`agent:${agentId}`, () => this.#serialized(conversationId, async () => {
      const current = await this.#record(conversationId);
      if (!current) return { error: 'unknown_conversation' };
      if (!claimExpected(current, expected)) return { error: 'not_waiting' };
      if (Number.isFinite(limit) && (await this.#heldBy(agentId)) >= limit) return { error: 'agent_at_limit' };
      const record = { ...current, ...claimChanges(current, { agentId, agentName, now, note, reportTeamOf }) };
      await this.#write([{ type: 'put', key: `conv:${conversationId}`, value: record }]);
      this.#conversations.set(conversationId, record);
      return { conversation: { ...record, lastSeq: await this.#lastSeq(conversationId) } };
    }));
  }

  // How many conversations the agent holds (a scan: this store serves one small instance).
  async #heldBy(agentId) {
    let held = 0;
    for await (const conversation of this.conversations()) if (conversation.state === 'with_agent' && conversation.agentId === agentId) held += 1;
    return held;
  }

  /** The waiting conversations' records, longest waiting first. */
  async queuedConversations() {
    const waiting = [];
    for await (const conversation of this.conversations()) if (conversation.state === 'queued') waiting.push(conversation);
    return waiting.sort((a, b) => a.queuedAt - b.queuedAt);
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
   * `fileHotQuestion(shared)`, given for a question the bot could not answer, is called
   * once the message will be stored (not for a duplicate or a wrong cseq); the
   * hot-question group change it returns ({siteId, group, evicted},
   * reports/hot-questions.js), if any, is stored in the message's batch. `shared` is
   * null here (this process is the only writer); PostgresStore passes what other
   * instances stored.
   *
   * @returns {Promise<{seq: number, serverId: string, duplicate: boolean, reply: object|null} | {expectedCseq: number}>}
   */
  appendVisitorMessage(conversationId, { cmid, cseq, epoch, text, clientTime, now, meta, botReply = null, fileHotQuestion = null }) {
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
        const filed = fileHotQuestion?.(null);
        if (filed) operations.push(...this.#hotQuestionGroupOperations(filed));
        return operations;
      });
      if (epoch !== undefined) this.#expectedCseqs.set(`${conversationId}:${epoch}`, cseq + 1);
      return { seq: stored.seq, serverId: stored.serverId, duplicate: false, reply: reply ?? null };
    });
  }

  /** Bot, agent and system messages: numbered in the same sequence as the visitor's. */
  appendServerMessage(conversationId, { author, text, now, meta, name, agentId }) {
    const message = { author, text, serverTime: now, meta };
    if (name) message.name = name;
    if (agentId) message.agentId = agentId;
    return this.#serialized(conversationId, async () => (await this.#append(conversationId, [message], () => []))[0]);
  }

  // One atomic, synced batch: the messages (consecutive seqs, each its own key) and
  // their index entries; the conversation record is not rewritten (its lastSeq is the
  // last message key). `extraOperations` receives the first message's seq and serverId.
  async #append(conversationId, messages, extraOperations) {
    if (!(await this.#record(conversationId))) throw new Error(`unknown conversation ${conversationId}`);
    const lastSeq = await this.#lastSeq(conversationId);
    const stored = messages.map((message, i) => {
      const seq = lastSeq + 1 + i;
      return { ...message, seq, serverId: `${conversationId}:${seq}` };
    });
    await this.#write([
      ...stored.map((message) => ({ type: 'put', key: `msg:${conversationId}:${String(message.seq).padStart(SEQ_WIDTH, '0')}`, value: message })),
      ...extraOperations(stored[0].seq, stored[0].serverId),
    ]);
    this.#lastSeqs.set(conversationId, lastSeq + messages.length);
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
      await this.#write(operations);
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

  /** Every stored hot-question group, per site in filing order (reports/hot-questions.js). */
  async *hotQuestionGroups() {
    for await (const [key, group] of this.#db.iterator({ gt: 'hotgroup:', lt: 'hotgroup;' })) {
      yield { siteId: key.slice('hotgroup:'.length, key.lastIndexOf(':')), group };
    }
  }

  /** Group changes stored by other processes since: none, this process is the only writer (see PostgresStore). */
  async hotQuestionChanges() {
    return { reset: false, groups: [] };
  }

  // Operations storing a changed group and dropping an evicted one, for a message's batch.
  #hotQuestionGroupOperations({ siteId, group, evicted }) {
    const key = (number) => `hotgroup:${siteId}:${String(number).padStart(HOT_GROUP_WIDTH, '0')}`;
    const operations = [{ type: 'put', key: key(group.number), value: group }];
    if (evicted !== null) operations.push({ type: 'del', key: key(evicted) });
    return operations;
  }

  async tickets(siteId) {
    const tickets = [];
    for await (const ticket of this.#db.values({ gt: 'ticket:', lt: 'ticket;' })) if (ticket.siteId === siteId) tickets.push(ticket);
    return tickets;
  }

  async rate(conversationId, { stars, comment, now }) {
    const rating = { conversationId, stars, comment, ratedAt: now };
    await this.#write([{ type: 'put', key: `rating:${conversationId}`, value: rating }]);
    return rating;
  }

  async ratings() {
    const ratings = [];
    for await (const rating of this.#db.values({ gt: 'rating:', lt: 'rating;' })) ratings.push(rating);
    return ratings;
  }

  // ---- the agent console: ticket changes, internal notes, canned replies ----------

  /** Merges `changes` into a ticket (status, priority, assignee, notes…); null for an unknown id. */
  async updateTicket(ticketId, changes) {
    const ticket = await this.#read(`ticket:${ticketId}`);
    if (!ticket) return null;
    const updated = { ...ticket, ...changes, id: ticket.id };
    await this.#write([{ type: 'put', key: `ticket:${ticketId}`, value: updated }]);
    return updated;
  }

  /** An agent-only note on a conversation: kept apart from its messages, so no visitor frame can carry it. */
  async addNote(conversationId, { text, by, now }) {
    const note = { id: `${String(now).padStart(15, '0')}-${randomUUID().slice(0, 8)}`, conversationId, text, by, createdAt: now };
    await this.#write([{ type: 'put', key: `note:${conversationId}:${note.id}`, value: note }]);
    return note;
  }

  /** The conversation's notes, oldest first. */
  async notes(conversationId) {
    const notes = [];
    for await (const note of this.#db.values({ gt: `note:${conversationId}:`, lt: `note:${conversationId};` })) notes.push(note);
    return notes;
  }

  /** Saves (or replaces) a team's canned reply by its shortcut. */
  async saveCannedReply({ team, shortcut, text }) {
    const reply = { team, shortcut, text };
    await this.#write([{ type: 'put', key: `canned:${team}:${shortcut}`, value: reply }]);
    return reply;
  }

  /** True when there was one to delete. */
  async deleteCannedReply(team, shortcut) {
    if (!(await this.#read(`canned:${team}:${shortcut}`))) return false;
    await this.#write([{ type: 'del', key: `canned:${team}:${shortcut}` }]);
    return true;
  }

  /** A team's canned replies, by shortcut. */
  async cannedReplies(team) {
    const replies = [];
    for await (const reply of this.#db.values({ gt: `canned:${team}:`, lt: `canned:${team};` })) replies.push(reply);
    return replies;
  }

  // ---- teaching the bot (server/kb/kb-library.js): agents' proposals, the admins'
  // unpublished draft of a site's KB, and every published version with its KB JSON ----

  /** Stores a proposal whole (new or reviewed); ids sort in filing order. */
  async saveKbProposal(proposal) {
    await this.#write([{ type: 'put', key: `kbprop:${proposal.siteId}:${proposal.id}`, value: proposal }]);
    return proposal;
  }

  async kbProposal(siteId, proposalId) {
    return this.#read(`kbprop:${siteId}:${proposalId}`);
  }

  /** The site's proposals, oldest first. */
  async kbProposals(siteId) {
    return this.#db.values({ gt: `kbprop:${siteId}:`, lt: `kbprop:${siteId};` }).all();
  }

  /** The site's draft ({kbJson, by, at, …}) or null when none is pending. */
  async kbDraft(siteId) {
    return this.#read(`kbdraft:${siteId}`);
  }

  async saveKbDraft(siteId, draft) {
    await this.#write([{ type: 'put', key: `kbdraft:${siteId}`, value: draft }]);
    return draft;
  }

  async deleteKbDraft(siteId) {
    await this.#write([{ type: 'del', key: `kbdraft:${siteId}` }]);
  }

  /**
   * Records a published version under the site's next number (1, 2, …). The KB JSON is
   * kept apart from the entry, so the history lists without reading every KB.
   * @returns {Promise<object>} the entry with its `number` (without kbJson)
   */
  appendKbVersion(siteId, { kbJson, ...entry }) {
    return this.#serialized(`kbversion:${siteId}`, async () => {
      const [last] = await this.#db.values({ gt: `kbver:${siteId}:`, lt: `kbver:${siteId};`, reverse: true, limit: 1 }).all();
      const number = (last?.number ?? 0) + 1;
      const key = String(number).padStart(SEQ_WIDTH, '0');
      const stored = { ...entry, siteId, number };
      await this.#write([{ type: 'put', key: `kbver:${siteId}:${key}`, value: stored }, { type: 'put', key: `kbverjson:${siteId}:${key}`, value: { kbJson } }]);
      return stored;
    });
  }

  /** The site's versions, newest first, at most `limit`, without their KB JSON. */
  async kbVersions(siteId, { limit = 200 } = {}) {
    return this.#db.values({ gt: `kbver:${siteId}:`, lt: `kbver:${siteId};`, reverse: true, limit }).all();
  }

  /** One version with its kbJson, or null. */
  async kbVersion(siteId, number) {
    if (!Number.isSafeInteger(number) || number < 1) return null;
    const key = String(number).padStart(SEQ_WIDTH, '0');
    const entry = await this.#read(`kbver:${siteId}:${key}`);
    if (!entry) return null;
    const { kbJson } = await this.#read(`kbverjson:${siteId}:${key}`);
    return { ...entry, kbJson };
  }

  // ---- console accounts, sessions and the audit log ---------------------------
  // Written with the same synced batches as messages: an account or a session that was
  // confirmed survives a killed process.

  /** Stores a new account unless its username (compared lower-cased) is taken: the account, or null. */
  createAccount(account) {
    const nameKey = `accountname:${account.username.toLowerCase()}`;
    return this.#serialized(nameKey, async () => {
      if (await this.#read(nameKey)) return null;
      await this.#write([{ type: 'put', key: `account:${account.id}`, value: account }, { type: 'put', key: nameKey, value: { id: account.id } }]);
      return account;
    });
  }

  async getAccount(accountId) {
    return this.#read(`account:${accountId}`);
  }

  async accountByUsername(username) {
    const entry = await this.#read(`accountname:${String(username).toLowerCase()}`);
    return entry ? this.getAccount(entry.id) : null;
  }

  /** Every account, in id order. */
  async accounts() {
    return this.#db.values({ gt: 'account:', lt: 'account;' }).all();
  }

  /** Merges `changes` into the account (the username never changes): the updated account, or null. */
  updateAccount(accountId, changes) {
    return this.#serialized(`account:${accountId}`, async () => {
      const current = await this.getAccount(accountId);
      if (!current) return null;
      const updated = { ...current, ...changes, id: current.id, username: current.username };
      await this.#write([{ type: 'put', key: `account:${accountId}`, value: updated }]);
      return updated;
    });
  }

  /** Stores a team (new or changed) whole. */
  async putTeam(team) {
    await this.#write([{ type: 'put', key: `team:${team.id}`, value: team }]);
    return team;
  }

  async teams() {
    return this.#db.values({ gt: 'team:', lt: 'team;' }).all();
  }

  /** A console session, keyed by the hash of its cookie's token (the token itself is never stored). */
  async createSession(session) {
    await this.#write([{ type: 'put', key: `session:${session.tokenHash}`, value: session }]);
    return session;
  }

  async getSession(tokenHash) {
    return this.#read(`session:${tokenHash}`);
  }

  async deleteSession(tokenHash) {
    await this.#write([{ type: 'del', key: `session:${tokenHash}` }]);
  }

  /** Ends every session of an account (disabled, password changed or reset). */
  async deleteSessionsOf(accountId) {
    const operations = [];
    for await (const session of this.#db.values({ gt: 'session:', lt: 'session;' })) {
      if (session.accountId === accountId) operations.push({ type: 'del', key: `session:${session.tokenHash}` });
    }
    if (operations.length > 0) await this.#write(operations);
  }

  /** One audit line ({at, action, ...}); kept in time order. */
  async appendAudit(entry) {
    await this.#write([{ type: 'put', key: `audit:${String(entry.at).padStart(15, '0')}:${randomUUID()}`, value: entry }]);
    return entry;
  }

  /** The newest `limit` audit lines, newest first. */
  async auditLog({ limit = 200 } = {}) {
    return this.#db.values({ gt: 'audit:', lt: 'audit;', reverse: true, limit }).all();
  }

  // ---- Attachments (server/http/uploads.js). The bytes are files in the data folder's
  // attachments/ (LevelDB would rewrite them on every compaction and the start-up block
  // scan would read them), named by their SHA-256, so a file sent twice is kept once.
  // The database holds their type and size (`att:`) and which conversations may read
  // them (`attlink:`): a hash alone opens nothing.

  /** Stores the bytes under `hash` (once) and lets `conversationId` read them. */
  async putAttachment({ conversationId, hash, type, size, bytes }) {
    const folder = join(this.#path, 'attachments');
    const path = join(folder, hash);
    if ((await this.#read(`att:${hash}`)) === null) {
      await mkdir(folder, { recursive: true });
      // Written whole and synced before it gets its name, and named before the record
      // that points at it is committed: a crash leaves at worst an unreferenced file.
      const temporary = `${path}.${randomUUID()}.tmp`;
      const file = await open(temporary, 'w');
      try {
        await file.writeFile(bytes);
        if (this.#sync) await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    }
    await this.#write([
      { type: 'put', key: `att:${hash}`, value: { type, size } },
      { type: 'put', key: `attlink:${conversationId}:${hash}`, value: {} },
    ]);
  }

  /** The attachment ({type, size, bytes}) when `conversationId` may read it, else null. */
  async attachmentFor(conversationId, hash) {
    if ((await this.#read(`attlink:${conversationId}:${hash}`)) === null) return null;
    const meta = await this.#read(`att:${hash}`);
    return meta ? { ...meta, bytes: await readFile(join(this.#path, 'attachments', hash)) } : null;
  }

  async close() {
    clearTimeout(this.#commitsFileTimer);
    this.#commitsFileTimer = null;
    await this.#saveCommitsFile();
    await this.#db.close();
  }
}
