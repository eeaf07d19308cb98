// Conversation storage on PostgreSQL (the `pg` client), for a service that outgrows one
// process: several Kefu servers may share one database. It keeps the LevelDB store's
// promises (conversation-store.js) with the database doing the work: an append is one
// transaction holding the conversation's row lock, so seqs stay gap-free and unique
// however many servers write to one conversation; the (conversation, cmid) pair is a
// primary key, kept forever; a call resolves only after COMMIT returned. Nothing is
// cached in memory: another server may have written since.
import { claimChanges, claimExpected } from './claim-rules.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrate } from './postgres-schema.js';

// A serialization failure or deadlock aborts a transaction that can simply run again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;
// First key of the advisory locks that serialize one agent's claims (the second is the
// hash of the agent's name); any constant no other lock of this database uses.
const AGENT_CLAIM_LOCK = 0x6b656676;

// A database that does not answer within this at start is reported, not waited for.
const CONNECT_TIMEOUT_MS = 5000;
// Once running, a lost connection is retried this long (a restart takes seconds): the
// widget resends an unacknowledged message after 10 s, so an ack that waits is better.
const RECONNECT_WINDOW_MS = 15_000;
const RECONNECT_PAUSE_MS = 250;
// Connection failures and the server's "shutting down" / "starting up" answers.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const connectionLost = (error) => CONNECTION_CODES.has(error.code) || /Connection terminated|Client has encountered a connection error/.test(error.message);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY_MS = 86_400_000;
// An evicted hot-question group is kept (without its group) this long, so the other
// instances learn it is gone; one that has not caught up with a site for longer reads
// the site's groups afresh.
const EVICTED_KEPT_MS = DAY_MS;

export class StoreUnreachableError extends Error {
  code = 'store_unreachable';
}

// The URL for a message: the password is not for logs.
function withoutPassword(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

export class PostgresStore {
  #pool;
  #listening = new WeakSet(); // pooled clients with an error listener

  /**
   * Connects and brings the schema up to date (postgres-schema.js) before anything else.
   * @param {string} url a postgres:// connection string
   * @param {{maxConnections?: number}} [options]
   */
  static async open(url, { maxConnections = 10 } = {}) {
    await PostgresStore.#reachable(url);
    // No connection timeout on the pool: it would also bound the wait for a free
    // connection, and under a burst that wait is the queue, not a failure.
    const pool = new pg.Pool({ connectionString: url, max: maxConnections });
    // An idle connection the server dropped (a restart) must not end the process.
    pool.on('error', () => {});
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  constructor(pool) {
    this.#pool = pool;
  }

  // One connection with a deadline before anything else: an unreachable database is
  // reported at start, not waited for.
  static async #reachable(url) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      throw new StoreUnreachableError(`PostgreSQL at ${withoutPassword(url)} is unreachable (${error.code ?? error.message})`, { cause: error });
    } finally {
      await client.end().catch(() => {});
    }
  }

  // Runs `work(client)` in one transaction and resolves after COMMIT. A transaction that
  // lost its connection before COMMIT was sent (the database restarting, a failover) is
  // run again once the database answers, for up to RECONNECT_WINDOW_MS: the caller's
  // ack waits instead of failing. A connection lost during COMMIT leaves it unknown
  // whether the transaction committed: only work that can tell (`afterUnknownCommit`
  // in its second argument) and asked for it (`{retryUnknownCommit: true}`) runs again.
  async #transaction(work, { retryUnknownCommit = false } = {}) {
    const giveUpAt = Date.now() + RECONNECT_WINDOW_MS;
    let afterUnknownCommit = false;
    for (let attempt = 1; ; attempt += 1) {
      let client;
      let committing = false;
      try {
        client = await this.#pool.connect();
        // A checked-out client's error (the server ending its session) would otherwise
        // be an unhandled 'error' event; the query under way fails and is handled here.
        if (!this.#listening.has(client)) {
          this.#listening.add(client);
          client.on('error', () => {});
        }
        await client.query('BEGIN');
        const result = await work(client, { afterUnknownCommit });
        committing = true;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (connectionLost(error)) {
          client?.release(error); // a broken connection is closed, not pooled
          client = null;
          if ((committing && !retryUnknownCommit) || Date.now() >= giveUpAt) throw error;
          afterUnknownCommit ||= committing;
          await sleep(RECONNECT_PAUSE_MS);
          continue;
        }
        await client?.query('ROLLBACK').catch(() => {});
        if (!RETRYABLE.has(error.code) || attempt >= MAX_ATTEMPTS) throw error;
      } finally {
        client?.release();
      }
    }
  }

  // One statement; reads and idempotent writes, so one lost to a dropped connection runs again.
  async #query(text, values) {
    const giveUpAt = Date.now() + RECONNECT_WINDOW_MS;
    for (;;) {
      try {
        return (await this.#pool.query(text, values)).rows;
      } catch (error) {
        if (!connectionLost(error) || Date.now() >= giveUpAt) throw error;
        await sleep(RECONNECT_PAUSE_MS);
      }
    }
  }

  /** The conversation record with its `lastSeq`, or null. */
  async getConversation(conversationId) {
    const [row] = await this.#query('SELECT record, last_seq FROM conversations WHERE id = $1', [conversationId]);
    return row ? { ...row.record, lastSeq: row.last_seq } : null;
  }

  /** See ConversationStore.createConversation. */
  async createConversation({ siteId, visitorId, now, sessionToken = null, identity = null, adoptCseqOf = null }) {
    const conversation = { id: randomUUID(), siteId, visitorId, createdAt: now, state: 'bot' };
    if (identity) conversation.identity = identity;
    await this.#transaction(async (client) => {
      await client.query('INSERT INTO conversations (id, record) VALUES ($1, $2)', [conversation.id, conversation]);
      if (sessionToken) await client.query('INSERT INTO session_tokens (token, conversation_id) VALUES ($1, $2)', [sessionToken, conversation.id]);
      if (adoptCseqOf !== null) await client.query('INSERT INTO client_epochs (conversation_id, epoch, next_cseq) VALUES ($1, $2, NULL)', [conversation.id, adoptCseqOf]);
    });
    return { ...conversation, lastSeq: 0 };
  }

  async conversationIdForToken(sessionToken) {
    const [row] = await this.#query('SELECT conversation_id FROM session_tokens WHERE token = $1', [sessionToken]);
    return row ? row.conversation_id : null;
  }

  /** Every conversation record (without lastSeq), in id order. */
  async *conversations() {
    // Pages by id so a large table is never held in memory at once.
    let after = '';
    for (;;) {
      const rows = await this.#query('SELECT id, record FROM conversations WHERE id > $1 ORDER BY id LIMIT 500', [after]);
      for (const row of rows) yield row.record;
      if (rows.length < 500) return;
      after = rows.at(-1).id;
    }
  }

  /** The cseq the next message of this client epoch must carry (1 for a new epoch; null: any). */
  async expectedCseq(conversationId, epoch) {
    const [row] = await this.#query('SELECT next_cseq FROM client_epochs WHERE conversation_id = $1 AND epoch = $2', [conversationId, epoch]);
    return row ? row.next_cseq : 1;
  }

  updateConversation(conversationId, changes) {
    const { id, lastSeq, ...fields } = changes;
    return this.#transaction(async (client) => {
      // `||` replaces the top-level keys it names, like {...current, ...changes}.
      const { rows: [row] } = await client.query('UPDATE conversations SET record = record || $2::jsonb WHERE id = $1 RETURNING record, last_seq', [conversationId, fields]);
      return row ? { ...row.record, lastSeq: row.last_seq } : null;
    });
  }

  /** See ConversationStore.claimConversation. */
  claimConversation(conversationId, { agentId, agentName, now, limit = Infinity, expected = { state: 'queued' }, note = null, reportTeamOf = null }) {
    return this.#transaction(async (client) => {
      // One agent's claims, from every instance, wait here for each other, so the count
      // below stays true until this one commits; then the conversation's row lock.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [AGENT_CLAIM_LOCK, agentId]);
      const { rows: [row] } = await client.query('SELECT record FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
      if (!row) return { error: 'unknown_conversation' };
      if (!claimExpected(row.record, expected)) return { error: 'not_waiting' };
      if (Number.isFinite(limit)) {
        const { rows: [{ held }] } = await client.query(`SELECT count(*)::integer AS held FROM conversations
          WHERE record->>'state' = 'with_agent' AND record->>'agentId' = $1`, [agentId]);
        if (held >= limit) return { error: 'agent_at_limit' };
      }
      const { rows: [updated] } = await client.query('UPDATE conversations SET record = record || $2::jsonb WHERE id = $1 RETURNING record, last_seq',
        [conversationId, claimChanges(row.record, { agentId, agentName, now, note, reportTeamOf })]);
      return { conversation: { ...updated.record, lastSeq: updated.last_seq } };
    });
  }

  /** The waiting conversations' records, longest waiting first. */
  async queuedConversations() {
    const rows = await this.#query(`SELECT record FROM conversations WHERE record->>'state' = 'queued' ORDER BY (record->>'queuedAt')::bigint, id`);
    return rows.map((row) => row.record);
  }

  /** See ConversationStore.appendVisitorMessage: the same arguments and results. */
  async appendVisitorMessage(conversationId, { cmid, cseq, epoch, text, clientTime, now, meta, botReply = null, fileHotQuestion = null }) {
    // Filed at most once, even when the transaction is run again.
    let filed;
    let storedGroup = null; // {siteId, version} once the group change is in the transaction
    const result = await this.#transaction(async (client, { afterUnknownCommit }) => {
      storedGroup = null;
      const lastSeq = await this.#lockConversation(client, conversationId);
      // Read after the lock is granted: a statement sees what committed before it began,
      // so the checks must not share the statement that waited for the lock.
      const { rows: [row] } = await client.query(`SELECT m.seq AS earlier_seq, m.server_id AS earlier_server_id, e.epoch IS NOT NULL AS epoch_known, e.next_cseq
        FROM (SELECT 1) AS one
        LEFT JOIN visitor_cmids m ON m.conversation_id = $1 AND m.cmid = $2
        LEFT JOIN client_epochs e ON e.conversation_id = $1 AND e.epoch = $3`, [conversationId, cmid, epoch ?? null]);
      if (row.earlier_seq !== null) {
        // Found after a COMMIT whose answer was lost: that commit was this call's own,
        // so the caller hears of a new message (and passes it on), not a duplicate.
        if (afterUnknownCommit) {
          const [reply] = botReply ? await this.messagesAfter(conversationId, row.earlier_seq, 1) : [];
          return { seq: row.earlier_seq, serverId: row.earlier_server_id, duplicate: false, reply: reply ?? null };
        }
        return { seq: row.earlier_seq, serverId: row.earlier_server_id, duplicate: true };
      }
      if (epoch !== undefined) {
        const expected = row.epoch_known ? row.next_cseq : 1;
        if (expected !== null && cseq !== expected) return { expectedCseq: expected };
      }
      const visitorMessage = { author: 'visitor', cmid, text, clientTime, serverTime: now, meta };
      if (cseq !== undefined) visitorMessage.cseq = cseq;
      const messages = [visitorMessage];
      if (botReply) messages.push({ author: 'bot', text: botReply.text, replyTo: cmid, serverTime: now, meta: { tier: botReply.tier, faqId: botReply.faqId } });
      const [stored, reply] = await this.#append(client, conversationId, lastSeq, messages, (seq, serverId) => {
        const also = [{ sql: 'INSERT INTO visitor_cmids (conversation_id, cmid, seq, server_id) VALUES ($1, $@, $@, $@)', values: [cmid, seq, serverId] }];
        if (epoch !== undefined) {
          also.push({ sql: `INSERT INTO client_epochs (conversation_id, epoch, next_cseq) VALUES ($1, $@, $@)
            ON CONFLICT (conversation_id, epoch) DO UPDATE SET next_cseq = EXCLUDED.next_cseq`, values: [epoch, cseq + 1] });
        }
        return also;
      });
      if (fileHotQuestion) {
        const site = await this.#lockHotQuestionSite(client, conversationId, now);
        if (filed === undefined) filed = fileHotQuestion(await this.#sharedHotQuestions(client, site, now));
        if (filed) storedGroup = await this.#storeHotQuestionGroup(client, site, filed, now);
      }
      return { seq: stored.seq, serverId: stored.serverId, duplicate: false, reply: reply ?? null };
    }, { retryUnknownCommit: true });
    if (storedGroup) this.#sawHotQuestionVersion(storedGroup.siteId, storedGroup.version, now);
    return result;
  }

  /** Bot, agent and system messages: numbered in the same sequence as the visitor's. */
  appendServerMessage(conversationId, { author, text, now, meta, name, agentId }) {
    const message = { author, text, serverTime: now, meta };
    if (name) message.name = name;
    if (agentId) message.agentId = agentId;
    return this.#transaction(async (client) => {
      const lastSeq = await this.#lockConversation(client, conversationId);
      return (await this.#append(client, conversationId, lastSeq, [message]))[0];
    });
  }

  // The conversation's row lock, held until the transaction ends: every writer of one
  // conversation, on any server, waits here for the one before it.
  async #lockConversation(client, conversationId) {
    const { rows: [row] } = await client.query('SELECT last_seq FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
    if (!row) throw new Error(`unknown conversation ${conversationId}`);
    return row.last_seq;
  }

  // The messages, the conversation's new last seq and the `extra` statements (given the
  // first message's seq and serverId) in one statement: data-modifying CTEs all run, in
  // one round trip. In `extra`, $1 is the conversation id and each $@ the next value.
  async #append(client, conversationId, lastSeq, messages, extra = () => []) {
    const stored = messages.map((message, i) => {
      const seq = lastSeq + 1 + i;
      return { ...message, seq, serverId: `${conversationId}:${seq}` };
    });
    const values = [conversationId, JSON.stringify(stored), lastSeq + messages.length];
    const parts = [
      `INSERT INTO messages (conversation_id, seq, message) SELECT $1, (m->>'seq')::integer, m FROM jsonb_array_elements($2::jsonb) AS m`,
      'UPDATE conversations SET last_seq = $3 WHERE id = $1',
    ];
    for (const { sql, values: more } of extra(stored[0].seq, stored[0].serverId)) {
      parts.push(sql.replace(/\$@/g, () => `$${values.push(more.shift())}`));
    }
    await client.query(`WITH ${parts.map((part, i) => `step${i} AS (${part})`).join(', ')} SELECT 1`, values);
    return stored;
  }

  /** Messages with seq > afterSeq, in order, at most `limit`. */
  async messagesAfter(conversationId, afterSeq, limit = 500) {
    const rows = await this.#query('SELECT message FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [conversationId, afterSeq, limit]);
    return rows.map((row) => row.message);
  }

  /** See ConversationStore.createTicket. */
  async createTicket({ siteId, visitorId, conversationId, message, contact, now, cmid }) {
    const ticket = { id: `T${now.toString(36).toUpperCase()}${randomUUID().slice(0, 4).toUpperCase()}`, siteId, visitorId, conversationId, message, contact, createdAt: now, status: 'open' };
    const insert = (client) => client.query('INSERT INTO tickets (id, site_id, ticket) VALUES ($1, $2, $3)', [ticket.id, siteId, ticket]);
    if (cmid === undefined) {
      await this.#transaction(insert);
      return ticket;
    }
    return this.#transaction(async (client) => {
      // A concurrent retry of the same frame waits on this key, then finds it taken.
      const { rowCount } = await client.query('INSERT INTO ticket_cmids (conversation_id, cmid, ticket_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [conversationId, cmid, ticket.id]);
      if (rowCount === 0) {
        const { rows: [earlier] } = await client.query(`SELECT t.ticket FROM ticket_cmids c JOIN tickets t ON t.id = c.ticket_id
          WHERE c.conversation_id = $1 AND c.cmid = $2`, [conversationId, cmid]);
        return { ticket: earlier.ticket, duplicate: true };
      }
      await insert(client);
      return { ticket, duplicate: false };
    });
  }

  /** Marks a ticket handled (or open again); null for an unknown id. */
  async setTicketStatus(ticketId, status, { by, now }) {
    const [row] = await this.#query('UPDATE tickets SET ticket = ticket || $2::jsonb WHERE id = $1 RETURNING ticket', [ticketId, { status, handledBy: by, handledAt: now }]);
    return row ? row.ticket : null;
  }

  async tickets(siteId) {
    return (await this.#query('SELECT ticket FROM tickets WHERE site_id = $1 ORDER BY id', [siteId])).map((row) => row.ticket);
  }

  /** Every stored hot-question group, per site in filing order (reports/hot-questions.js). */
  async *hotQuestionGroups() {
    // The versions first: a group changed between the two reads is handed over again later.
    const now = Date.now();
    for (const site of await this.#query('SELECT site_id, version FROM hot_question_sites')) this.#sawHotQuestionVersion(site.site_id, Number(site.version), now);
    const rows = await this.#query('SELECT site_id, question_group FROM hot_question_groups WHERE question_group IS NOT NULL ORDER BY site_id, number');
    for (const row of rows) yield { siteId: row.site_id, group: row.question_group };
  }

  /**
   * The site's group changes other instances stored since this store last handed them
   * over: {reset, groups: [{number, group | null (evicted)}]}; with `reset` the groups
   * are all the site has (read afresh).
   */
  hotQuestionChanges(siteId, now) {
    return this.#hotQuestionChangesWith((sql, values) => this.#query(sql, values), siteId, now);
  }

  // What each site's groups have been read up to: {version, at}.
  #hotQuestionSeen = new Map();

  #sawHotQuestionVersion(siteId, version, at) {
    const seen = this.#hotQuestionSeen.get(siteId);
    this.#hotQuestionSeen.set(siteId, { version: Math.max(version, seen?.version ?? 0), at });
  }

  async #hotQuestionChangesWith(query, siteId, now) {
    const seen = this.#hotQuestionSeen.get(siteId);
    // Evicted groups older than EVICTED_KEPT_MS are gone from the table: read afresh.
    const reset = seen !== undefined && now - seen.at > EVICTED_KEPT_MS;
    const since = reset ? -1 : seen?.version ?? 0;
    const rows = await query('SELECT number, question_group, version FROM hot_question_groups WHERE site_id = $1 AND version > $2 ORDER BY number', [siteId, since]);
    this.#sawHotQuestionVersion(siteId, Math.max(since, ...rows.map((row) => Number(row.version))), now);
    const groups = rows.filter((row) => !reset || row.question_group !== null).map((row) => ({ number: row.number, group: row.question_group }));
    return { reset, groups };
  }

  // The site's row, locked until the transaction ends: one instance files for a site at a time.
  async #lockHotQuestionSite(client, conversationId, now) {
    const { rows: [{ site_id: siteId }] } = await client.query(`SELECT record->>'siteId' AS site_id FROM conversations WHERE id = $1`, [conversationId]);
    await client.query(`INSERT INTO hot_question_sites (site_id, version, next_number, day, filed)
      SELECT $1, coalesce(max(version), 0), coalesce(max(number), 0) + 1, $2, 0 FROM hot_question_groups WHERE site_id = $1
      ON CONFLICT (site_id) DO NOTHING`, [siteId, Math.floor(now / DAY_MS)]);
    const { rows: [site] } = await client.query('SELECT version, next_number, day, filed FROM hot_question_sites WHERE site_id = $1 FOR UPDATE', [siteId]);
    return { siteId, version: Number(site.version), nextNumber: site.next_number, day: site.day, filed: site.filed };
  }

  // HotQuestions.file's `shared`: what other instances stored, read under the site's lock.
  async #sharedHotQuestions(client, site, now) {
    const changes = await this.#hotQuestionChangesWith(async (sql, values) => (await client.query(sql, values)).rows, site.siteId, now);
    return { ...changes, nextNumber: site.nextNumber, filedToday: site.day === Math.floor(now / DAY_MS) ? site.filed : 0 };
  }

  async #storeHotQuestionGroup(client, site, { siteId, group, evicted }, now) {
    const version = site.version + 1;
    const day = Math.floor(now / DAY_MS);
    await client.query(`INSERT INTO hot_question_groups (site_id, number, question_group, version) VALUES ($1, $2, $3, $4)
      ON CONFLICT (site_id, number) DO UPDATE SET question_group = EXCLUDED.question_group, version = EXCLUDED.version, evicted_at = NULL`, [siteId, group.number, group, version]);
    if (evicted !== null) {
      await client.query('UPDATE hot_question_groups SET question_group = NULL, version = $3, evicted_at = $4 WHERE site_id = $1 AND number = $2', [siteId, evicted, version, now]);
      await client.query('DELETE FROM hot_question_groups WHERE site_id = $1 AND question_group IS NULL AND evicted_at < $2', [siteId, now - EVICTED_KEPT_MS]);
    }
    await client.query('UPDATE hot_question_sites SET version = $2, next_number = greatest(next_number, $3), day = $4, filed = $5 WHERE site_id = $1',
      [siteId, version, group.number + 1, day, (site.day === day ? site.filed : 0) + 1]);
    return { siteId, version };
  }

  async rate(conversationId, { stars, comment, now }) {
    const rating = { conversationId, stars, comment, ratedAt: now };
    await this.#query(`INSERT INTO ratings (conversation_id, rating) VALUES ($1, $2)
      ON CONFLICT (conversation_id) DO UPDATE SET rating = EXCLUDED.rating`, [conversationId, rating]);
    return rating;
  }

  async ratings() {
    return (await this.#query('SELECT rating FROM ratings ORDER BY conversation_id')).map((row) => row.rating);
  }

  // ---- the agent console: ticket changes, internal notes, canned replies ----------

  /** See ConversationStore.updateTicket. */
  async updateTicket(ticketId, changes) {
    const [row] = await this.#query('UPDATE tickets SET ticket = ticket || $2::jsonb WHERE id = $1 RETURNING ticket', [ticketId, { ...changes, id: ticketId }]);
    return row ? row.ticket : null;
  }

  /** See ConversationStore.addNote. */
  async addNote(conversationId, { text, by, now }) {
    const note = { id: `${String(now).padStart(15, '0')}-${randomUUID().slice(0, 8)}`, conversationId, text, by, createdAt: now };
    await this.#query('INSERT INTO conversation_notes (conversation_id, id, note) VALUES ($1, $2, $3)', [conversationId, note.id, note]);
    return note;
  }

  async notes(conversationId) {
    return (await this.#query('SELECT note FROM conversation_notes WHERE conversation_id = $1 ORDER BY id', [conversationId])).map((row) => row.note);
  }

  async saveCannedReply({ team, shortcut, text }) {
    const reply = { team, shortcut, text };
    await this.#query(`INSERT INTO canned_replies (team, shortcut, reply) VALUES ($1, $2, $3)
      ON CONFLICT (team, shortcut) DO UPDATE SET reply = EXCLUDED.reply`, [team, shortcut, reply]);
    return reply;
  }

  async deleteCannedReply(team, shortcut) {
    const { rowCount } = await this.#pool.query('DELETE FROM canned_replies WHERE team = $1 AND shortcut = $2', [team, shortcut]);
    return rowCount > 0;
  }

  async cannedReplies(team) {
    return (await this.#query('SELECT reply FROM canned_replies WHERE team = $1 ORDER BY shortcut', [team])).map((row) => row.reply);
  }

  // ---- teaching the bot (see ConversationStore.saveKbProposal) -------------------

  async saveKbProposal(proposal) {
    await this.#query(`INSERT INTO kb_proposals (site_id, id, proposal) VALUES ($1, $2, $3)
      ON CONFLICT (site_id, id) DO UPDATE SET proposal = EXCLUDED.proposal`, [proposal.siteId, proposal.id, proposal]);
    return proposal;
  }

  async kbProposal(siteId, proposalId) {
    const [row] = await this.#query('SELECT proposal FROM kb_proposals WHERE site_id = $1 AND id = $2', [siteId, proposalId]);
    return row ? row.proposal : null;
  }

  async kbProposals(siteId) {
    return (await this.#query('SELECT proposal FROM kb_proposals WHERE site_id = $1 ORDER BY id', [siteId])).map((row) => row.proposal);
  }

  async kbDraft(siteId) {
    const [row] = await this.#query('SELECT draft FROM kb_drafts WHERE site_id = $1', [siteId]);
    return row ? row.draft : null;
  }

  async saveKbDraft(siteId, draft) {
    await this.#query(`INSERT INTO kb_drafts (site_id, draft) VALUES ($1, $2)
      ON CONFLICT (site_id) DO UPDATE SET draft = EXCLUDED.draft`, [siteId, draft]);
    return draft;
  }

  async deleteKbDraft(siteId) {
    await this.#query('DELETE FROM kb_drafts WHERE site_id = $1', [siteId]);
  }

  // Servers sharing the database may publish at once: the primary key takes one number
  // once, and the loser takes the next.
  async appendKbVersion(siteId, { kbJson, ...entry }) {
    for (;;) {
      const [last] = await this.#query('SELECT max(number) AS number FROM kb_versions WHERE site_id = $1', [siteId]);
      const number = (last?.number ?? 0) + 1;
      const stored = { ...entry, siteId, number };
      const inserted = await this.#query(`INSERT INTO kb_versions (site_id, number, entry, kb_json) VALUES ($1, $2, $3, $4)
        ON CONFLICT (site_id, number) DO NOTHING RETURNING number`, [siteId, number, stored, kbJson]);
      if (inserted.length > 0) return stored;
    }
  }

  async kbVersions(siteId, { limit = 200 } = {}) {
    return (await this.#query('SELECT entry FROM kb_versions WHERE site_id = $1 ORDER BY number DESC LIMIT $2', [siteId, limit])).map((row) => row.entry);
  }

  async kbVersion(siteId, number) {
    if (!Number.isSafeInteger(number) || number < 1) return null;
    const [row] = await this.#query('SELECT entry, kb_json FROM kb_versions WHERE site_id = $1 AND number = $2', [siteId, number]);
    return row ? { ...row.entry, kbJson: row.kb_json } : null;
  }

  // ---- console accounts, sessions and the audit log (see ConversationStore) ----

  async createAccount(account) {
    const rows = await this.#query(`INSERT INTO accounts (id, username_key, account) VALUES ($1, $2, $3)
      ON CONFLICT (username_key) DO NOTHING RETURNING account`, [account.id, account.username.toLowerCase(), account]);
    return rows.length > 0 ? rows[0].account : null;
  }

  async getAccount(accountId) {
    const [row] = await this.#query('SELECT account FROM accounts WHERE id = $1', [accountId]);
    return row ? row.account : null;
  }

  async accountByUsername(username) {
    const [row] = await this.#query('SELECT account FROM accounts WHERE username_key = $1', [String(username).toLowerCase()]);
    return row ? row.account : null;
  }

  async accounts() {
    return (await this.#query('SELECT account FROM accounts ORDER BY id')).map((row) => row.account);
  }

  async updateAccount(accountId, changes) {
    const { id, username, ...fields } = changes;
    const [row] = await this.#query('UPDATE accounts SET account = account || $2::jsonb WHERE id = $1 RETURNING account', [accountId, fields]);
    return row ? row.account : null;
  }

  async putTeam(team) {
    await this.#query(`INSERT INTO teams (id, team) VALUES ($1, $2)
      ON CONFLICT (id) DO UPDATE SET team = EXCLUDED.team`, [team.id, team]);
    return team;
  }

  async teams() {
    return (await this.#query('SELECT team FROM teams ORDER BY id')).map((row) => row.team);
  }

  async createSession(session) {
    await this.#query('INSERT INTO console_sessions (token_hash, account_id, session) VALUES ($1, $2, $3)', [session.tokenHash, session.accountId, session]);
    return session;
  }

  async getSession(tokenHash) {
    const [row] = await this.#query('SELECT session FROM console_sessions WHERE token_hash = $1', [tokenHash]);
    return row ? row.session : null;
  }

  async deleteSession(tokenHash) {
    await this.#query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessionsOf(accountId) {
    await this.#query('DELETE FROM console_sessions WHERE account_id = $1', [accountId]);
  }

  async appendAudit(entry) {
    await this.#query('INSERT INTO audit_log (at, entry) VALUES ($1, $2)', [entry.at, entry]);
    return entry;
  }

  async auditLog({ limit = 200 } = {}) {
    return (await this.#query('SELECT entry FROM audit_log ORDER BY at DESC, id DESC LIMIT $1', [limit])).map((row) => row.entry);
  }

  // ---- Attachments (see ConversationStore.putAttachment). In the database, so every
  // server sharing it can serve a file another one received; bounded by the per-site
  // upload cap (10 MB by default), a bytea value is simpler than large objects.

  async putAttachment({ conversationId, hash, type, size, bytes }) {
    await this.#transaction(async (client) => {
      await client.query('INSERT INTO attachments (hash, type, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING', [hash, type, size, bytes]);
      await client.query('INSERT INTO attachment_links (conversation_id, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING', [conversationId, hash]);
    });
  }

  async attachmentFor(conversationId, hash) {
    const [row] = await this.#query(
      'SELECT a.type, a.size, a.bytes FROM attachment_links l JOIN attachments a ON a.hash = l.hash WHERE l.conversation_id = $1 AND l.hash = $2',
      [conversationId, hash],
    );
    return row ? { type: row.type, size: row.size, bytes: row.bytes } : null;
  }

  async close() {
    await this.#pool.end();
  }
}
