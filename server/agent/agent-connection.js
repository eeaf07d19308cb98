// One agent console WebSocket (`/agent`), speaking the console's own JSON protocol
// (docs/server.md, "Agent console protocol"). The first frame must be `login` with
// the server's agent token; nothing else is answered before it.
import { timingSafeEqual, createHash } from 'node:crypto';
import { clientAddress } from '../security/client-address.js';
import { visitorProfile } from './visitor-profile.js';
import { deskReport, REPORT_DIMENSIONS } from '../reports/desk-report.js';

const MAX_AGENT_FRAME_CHARS = 64 * 1024;
const MAX_NAME_CHARS = 40;
const MAX_SHORTCUT_CHARS = 32;
// Agent assist shows this many FAQ matches per visitor message.
const ASSIST_MATCHES = 3;
const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'];
const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const DAY_MS = 86_400_000;

// Compare digests so the comparison takes the same time whatever the token length.
function sameToken(given, expected) {
  const digest = (text) => createHash('sha256').update(String(text)).digest();
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
}

export class AgentConnection {
  #socket;
  #ip;
  #services; // {store, desk, presence, config, log, loginBackoff, clock}
  #chain = Promise.resolve();
  #loginTimer;
  // Who is logged in on this console: {name, team}. Every request takes the agent's
  // identity from here (and only here), so an accounts system can set it at login.
  agent = null;

  get name() {
    return this.agent?.name ?? null;
  }

  constructor(socket, request, services) {
    this.#socket = socket;
    this.#ip = clientAddress(request, services.config.trustProxy);
    this.#services = services;
    // Before login a socket costs us a file descriptor and proves nothing: it gets
    // `loginTimeoutMs` to log in.
    this.#loginTimer = setTimeout(() => socket.terminate(), services.config.limits.loginTimeoutMs);
    this.#loginTimer.unref();
    socket.on('message', (data, isBinary) => {
      this.#chain = this.#chain.then(() => this.#onText(isBinary ? null : data.toString('utf8'))).catch((error) => {
        services.log.error('agent_frame_failed', { agent: this.name, error: error.message });
        this.send({ type: 'error', code: 'server_error', message: error.message });
      });
    });
    socket.on('close', () => {
      clearTimeout(this.#loginTimer);
      if (this.name) {
        services.presence.removeAgent(this);
        services.log.info('agent_logged_out', { agent: this.name });
        services.desk.agentDisconnected(this.name);
        services.presence.toAgents({ type: 'agents', names: services.presence.agentNames() });
      }
    });
  }

  send(frame) {
    if (this.#socket.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  async #onText(text) {
    let frame;
    try {
      if (text === null || text.length > MAX_AGENT_FRAME_CHARS) throw new Error('too large');
      frame = JSON.parse(text);
      if (!frame || typeof frame.type !== 'string') throw new Error('no type');
    } catch {
      return this.send({ type: 'error', code: 'frame_invalid', message: 'frames are JSON objects with a type' });
    }
    if (frame.type === 'login') return this.#login(frame);
    if (!this.name) return this.send({ type: 'error', code: 'unauthorized', message: 'log in first' });
    const reply = await this.#request(frame);
    if (reply) this.send({ ...reply, ...(frame.requestId !== undefined ? { requestId: frame.requestId } : {}) });
  }

  async #login(frame) {
    const { config, presence, desk, log, loginBackoff, clock } = this.#services;
    const retryAfterMs = loginBackoff.retryAfterMs(this.#ip, clock());
    if (retryAfterMs > 0) {
      // Not even compared: during a lock-out a guess, right or wrong, teaches nothing.
      this.send({ type: 'error', code: 'rate_limited', message: `too many failed logins from this address; retry in ${Math.ceil(retryAfterMs / 1000)} s`, retryAfterMs });
      this.#socket.close(1013, 'rate_limited');
      return;
    }
    if (!sameToken(frame.token, config.agentToken)) {
      loginBackoff.failed(this.#ip, clock());
      log.warn('agent_login_refused', { ip: this.#ip });
      this.send({ type: 'error', code: 'unauthorized', message: 'wrong agent token' });
      this.#socket.close(1008, 'unauthorized');
      return;
    }
    clearTimeout(this.#loginTimer);
    loginBackoff.succeeded(this.#ip);
    const name = typeof frame.name === 'string' && frame.name.trim() ? frame.name.trim().slice(0, MAX_NAME_CHARS) : 'Agent';
    const previousName = this.name;
    // The team, like the name, is what the console says until accounts vouch for it.
    const team = typeof frame.team === 'string' && frame.team.trim() ? frame.team.trim().slice(0, MAX_NAME_CHARS) : null;
    this.agent = { name, team };
    presence.addAgent(this);
    desk.agentConnected(name);
    // Logged in again under another name on this console: the old name is gone from it.
    if (previousName !== null && previousName !== name) {
      log.info('agent_renamed', { from: previousName, to: name });
      await desk.agentSwitchedName(previousName);
    }
    log.info('agent_logged_in', { agent: name });
    const conversations = await desk.openConversations();
    this.send({ type: 'ready', name, team, sites: Object.keys(config.sites), conversations, queue: conversations.filter((c) => c.state === 'queued').sort((a, b) => a.position - b.position).map((c) => ({ conversationId: c.conversationId, position: c.position })) });
    presence.toAgents({ type: 'agents', names: presence.agentNames() });
  }

  #text(frame) {
    const limit = this.#services.config.limits.maxTextChars;
    return typeof frame.text === 'string' && frame.text.trim() !== '' && [...frame.text].length <= limit ? frame.text : null;
  }

  #shortcut(frame) {
    return typeof frame.shortcut === 'string' && /^[\p{L}\p{N}_-]+$/u.test(frame.shortcut) && frame.shortcut.length <= MAX_SHORTCUT_CHARS ? frame.shortcut : null;
  }

  // Canned replies belong to the agent's team; an agent without one shares the desk's.
  get #team() {
    return this.agent.team ?? '';
  }

  async #tickets() {
    const { store, config } = this.#services;
    const all = (await Promise.all(Object.keys(config.sites).map((siteId) => store.tickets(siteId)))).flat();
    // The due time follows the site's setting as it is now, so changing it moves every open ticket's.
    return all.map((t) => ({ priority: 'normal', assignee: null, notes: [], ...t, firstResponseDueAt: t.createdAt + config.sites[t.siteId].ticketFirstResponseHours * 3_600_000 }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async #ticketRequest(frame) {
    const { store, desk, presence } = this.#services;
    const fail = (error) => ({ type: 'result', request: frame.type, ticketId: frame.ticketId, error });
    const ticket = typeof frame.ticketId === 'string' ? (await this.#tickets()).find((t) => t.id === frame.ticketId) : null;
    if (!ticket) return fail('unknown_ticket');
    const now = Date.now();
    let changes;
    if (frame.type === 'ticket_update') {
      changes = {};
      if (frame.status !== undefined) {
        if (!TICKET_STATUSES.includes(frame.status)) return fail('status_invalid');
        changes.status = frame.status;
      }
      if (frame.priority !== undefined) {
        if (!TICKET_PRIORITIES.includes(frame.priority)) return fail('priority_invalid');
        changes.priority = frame.priority;
      }
      if (frame.assignee !== undefined) {
        const a = frame.assignee;
        const valid = a === null || (a && ['agent', 'team'].includes(a.kind) && typeof a.name === 'string' && a.name.trim() && a.name.length <= MAX_NAME_CHARS);
        if (!valid) return fail('assignee_invalid');
        changes.assignee = a && { kind: a.kind, name: a.name.trim() };
      }
    } else {
      const text = this.#text(frame);
      if (!text) return fail('text_invalid');
      if (frame.type === 'ticket_note') changes = { notes: [...ticket.notes, { by: this.name, text, at: now }] };
      else {
        const sent = await desk.ticketReply(this.name, ticket, text);
        if (sent.error) return fail(sent.error);
        changes = { replies: [...(ticket.replies ?? []), { by: this.name, text, at: now, seq: sent.seq }], firstResponseAt: ticket.firstResponseAt ?? now, ...(ticket.status === 'open' ? { status: 'pending' } : {}) };
      }
    }
    const updated = await store.updateTicket(ticket.id, { ...changes, updatedBy: this.name, updatedAt: now });
    presence.toAgents({ type: 'ticket', ticket: (await this.#tickets()).find((t) => t.id === updated.id) });
    return { type: 'result', request: frame.type, ok: true, ticketId: ticket.id };
  }

  async #request(frame) {
    const { desk, store, config } = this.#services;
    const id = typeof frame.conversationId === 'string' ? frame.conversationId : '';
    const result = (outcome) => ({ type: 'result', request: frame.type, conversationId: id, ...outcome });
    switch (frame.type) {
      case 'accept': return result(await desk.accept(this.name, id, this.agent.team));
      case 'message': {
        const text = this.#text(frame);
        if (!text) return result({ error: 'text_invalid' });
        return result(await desk.agentMessage(this.name, id, text));
      }
      case 'typing': return result(await desk.agentTyping(this.name, id, frame.on === true));
      case 'read': return Number.isInteger(frame.upToSeq) ? result(await desk.agentRead(this.name, id, frame.upToSeq)) : result({ error: 'upToSeq_invalid' });
      case 'end': return result(await desk.end(this.name, id));
      case 'transfer_to_bot': return result(await desk.transferToBot(this.name, id));
      case 'history': return { type: 'history', conversationId: id, conversation: await desk.summary(id), messages: await desk.history(id), notes: await store.notes(id) };
      case 'visitor': {
        const conversation = await store.getConversation(id);
        if (!conversation) return result({ error: 'unknown_conversation' });
        return { type: 'visitor', conversationId: id, profile: await visitorProfile(conversation, { store }) };
      }
      case 'assist': {
        const conversation = await store.getConversation(id);
        const text = this.#text(frame);
        if (!conversation || !text) return result({ error: conversation ? 'text_invalid' : 'unknown_conversation' });
        const { tier, matches } = this.#services.knowledge.matches(conversation.siteId, text, ASSIST_MATCHES);
        return { type: 'assist', conversationId: id, seq: Number.isInteger(frame.seq) ? frame.seq : null, tier, matches };
      }
      case 'note': {
        const text = this.#text(frame);
        if (!text) return result({ error: 'text_invalid' });
        if (!(await store.getConversation(id))) return result({ error: 'unknown_conversation' });
        // Agents only: a note goes to the consoles, never through the visitor presence.
        const note = await store.addNote(id, { text, by: this.name, now: Date.now() });
        this.#services.presence.toAgents({ type: 'note', conversationId: id, note });
        return result({ ok: true });
      }
      case 'canned': return { type: 'canned', team: this.agent.team, replies: await store.cannedReplies(this.#team) };
      case 'canned_save': {
        const shortcut = this.#shortcut(frame);
        const text = this.#text(frame);
        if (!shortcut || !text) return { type: 'result', request: frame.type, error: shortcut ? 'text_invalid' : 'shortcut_invalid' };
        await store.saveCannedReply({ team: this.#team, shortcut, text });
        return { type: 'canned', team: this.agent.team, replies: await store.cannedReplies(this.#team) };
      }
      case 'canned_delete': {
        const shortcut = this.#shortcut(frame);
        if (!shortcut) return { type: 'result', request: frame.type, error: 'shortcut_invalid' };
        await store.deleteCannedReply(this.#team, shortcut);
        return { type: 'canned', team: this.agent.team, replies: await store.cannedReplies(this.#team) };
      }
      case 'report': {
        if (!REPORT_DIMENSIONS.includes(frame.by)) return { type: 'result', request: frame.type, error: 'by_invalid' };
        const days = Number.isSafeInteger(frame.days) && frame.days > 0 ? frame.days : 30;
        const records = [];
        for await (const conversation of store.conversations()) records.push(conversation);
        const since = Date.now() - days * DAY_MS;
        return { type: 'report', by: frame.by, days, rows: deskReport(records, { by: frame.by, since }) };
      }
      case 'tickets': return { type: 'tickets', tickets: await this.#tickets() };
      case 'ticket_update':
      case 'ticket_note':
      case 'ticket_reply': return this.#ticketRequest(frame);
      case 'ticket_status': {
        if (typeof frame.ticketId !== 'string' || !TICKET_STATUSES.includes(frame.status)) return { type: 'result', request: frame.type, error: 'ticket_status_invalid' };
        const ticket = await store.setTicketStatus(frame.ticketId, frame.status, { by: this.name, now: Date.now() });
        if (!ticket) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        this.#services.presence.toAgents({ type: 'ticket', ticket: (await this.#tickets()).find((t) => t.id === ticket.id) });
        return { type: 'result', request: frame.type, ok: true, ticketId: ticket.id };
      }
      case 'ratings': {
        const ratings = (await store.ratings()).sort((a, b) => b.ratedAt - a.ratedAt);
        const average = ratings.length ? ratings.reduce((sum, r) => sum + r.stars, 0) / ratings.length : null;
        return { type: 'ratings', ratings, count: ratings.length, average };
      }
      case 'hot_questions': {
        const siteId = Object.hasOwn(config.sites, frame.siteId) ? frame.siteId : Object.keys(config.sites)[0];
        const pageSize = config.limits.hotQuestionsPageSize;
        const offset = Number.isSafeInteger(frame.offset) && frame.offset > 0 ? frame.offset : 0;
        const limit = Number.isSafeInteger(frame.limit) && frame.limit > 0 ? Math.min(frame.limit, pageSize) : pageSize;
        const page = this.#services.hotQuestions.page(siteId, { offset, limit });
        return { type: 'hot_questions', siteId, threshold: config.hotQuestionSimilarity, offset, limit, ...page };
      }
      default: return { type: 'error', code: 'unknown_request', message: `no request "${frame.type}"` };
    }
  }
}
