// One agent console WebSocket (`/agent`), speaking the console's own JSON protocol
// (docs/server.md, "Agent console protocol"). The socket only opens on a live console
// session (server.js checks the cookie and the Origin at the upgrade), so it belongs to
// one account from the start; the first frame must still be `login`, which answers
// `ready`, and nothing else is answered before it.
import { visitorProfile } from './visitor-profile.js';
import { deskReport, REPORT_DIMENSIONS } from '../reports/desk-report.js';

// What a console can export as CSV (server/console/csv.js).
const EXPORT_KINDS = ['tickets', 'report', 'ratings', 'hot_questions'];

const MAX_AGENT_FRAME_CHARS = 64 * 1024;
const MAX_NAME_CHARS = 40;
const MAX_SHORTCUT_CHARS = 32;
// Agent assist shows this many FAQ matches per visitor message.
const ASSIST_MATCHES = 3;
const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'];
const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const DAY_MS = 86_400_000;
const MAX_ATTACHMENT_NAME_CHARS = 200;
// setTimeout's ceiling (about 24.8 days); a longer session is checked again at reconnect.
const MAX_TIMER_MS = 2 ** 31 - 1;

// Canned replies belong to a team: an account reads those of all its teams and saves to
// its first one; an account in no team shares the desk's ('').
function cannedTeamsOf(account) {
  return account.teamIds?.length > 0 ? account.teamIds : [''];
}

// An image the console uploaded first (POST /attachments): {id, name, width?, height?}.
function consoleAttachment(value) {
  if (typeof value !== 'object' || value === null || typeof value.id !== 'string' || !/^[0-9a-f]{64}$/.test(value.id)) return null;
  const name = typeof value.name === 'string' ? value.name.slice(0, MAX_ATTACHMENT_NAME_CHARS) : '';
  const dimension = (number) => (Number.isSafeInteger(number) && number > 0 ? number : undefined);
  const [width, height] = [dimension(value.width), dimension(value.height)];
  return width && height ? { id: value.id, name, width, height } : { id: value.id, name };
}

export class AgentConnection {
  #socket;
  #services; // {store, desk, presence, teams, accounts, config, log, hotQuestions}
  #chain = Promise.resolve();
  #loginTimer;
  #expiryTimer;
  #loggedIn = false;
  tokenHash;
  // The account as this socket opened it ({id, name, displayName, role, teamIds, maxChats}):
  // a change by an admin ends the session, and the console reconnects with the new one.
  account;

  constructor(socket, request, session, services) {
    this.#socket = socket;
    this.#services = services;
    this.tokenHash = session.tokenHash;
    this.account = { ...session.account, name: session.account.displayName, teamIds: session.account.teamIds ?? [] };
    // Before login a socket costs us a file descriptor and proves nothing: it gets
    // `loginTimeoutMs` to log in.
    this.#loginTimer = setTimeout(() => socket.terminate(), services.config.limits.loginTimeoutMs);
    this.#loginTimer.unref();
    // An open console ends with its session, as a new one would be refused.
    this.#expiryTimer = setTimeout(() => this.endSession(), Math.min(Math.max(0, session.expiresAt - Date.now()), MAX_TIMER_MS));
    this.#expiryTimer.unref();
    socket.on('message', (data, isBinary) => {
      this.#chain = this.#chain.then(() => this.#onText(isBinary ? null : data.toString('utf8'))).catch((error) => {
        services.log.error('agent_frame_failed', { agentId: this.account.id, error: error.message });
        this.send({ type: 'error', code: 'server_error', message: error.message });
      });
    });
    socket.on('close', () => {
      clearTimeout(this.#loginTimer);
      clearTimeout(this.#expiryTimer);
      if (this.#loggedIn) {
        services.presence.removeAgent(this);
        services.log.info('agent_disconnected', { agentId: this.account.id });
        services.desk.agentDisconnected(this.account.id);
      }
    });
  }

  send(frame) {
    if (this.#socket.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  /** Closes with 1012 ("service restart"): the console reconnects and logs in again (`ready` has it all). */
  restart() {
    this.#socket.close(1012, 'reconnect');
  }

  /** The session behind this socket ended (logout, account disabled or changed): close now. */
  endSession() {
    this.send({ type: 'error', code: 'session_ended', message: 'this console session has ended; log in again' });
    this.#socket.close(1008, 'session_ended');
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
    if (frame.type === 'login') return this.#login();
    if (!this.#loggedIn) return this.send({ type: 'error', code: 'unauthorized', message: 'log in first' });
    const reply = await this.#request(frame);
    if (reply) this.send({ ...reply, ...(frame.requestId !== undefined ? { requestId: frame.requestId } : {}) });
  }

  async #login() {
    const { presence, desk, teams, log } = this.#services;
    clearTimeout(this.#loginTimer);
    const first = !this.#loggedIn;
    if (first) {
      this.#loggedIn = true;
      presence.addAgent(this);
    }
    const { id, displayName, role, teamIds, maxChats } = this.account;
    const conversations = await desk.openConversations(this.account);
    this.send({
      type: 'ready', name: displayName, account: { id, displayName, role, teamIds, maxChats },
      sites: teams.sitesVisibleTo(this.account), teams: teams.list().map((team) => ({ id: team.id, name: team.name })),
      agents: desk.agentList(this.account), conversations,
      queue: conversations.filter((c) => c.state === 'queued').sort((a, b) => a.position - b.position).map((c) => ({ conversationId: c.conversationId, position: c.position, teamId: c.teamId })),
    });
    // After `ready`: the agent list that says they are here, and the conversations
    // auto-assignment gives them, follow it.
    if (first) {
      log.info('agent_connected', { agentId: this.account.id });
      desk.agentConnected(this.account);
    }
  }

  #text(frame) {
    const limit = this.#services.config.limits.maxTextChars;
    return typeof frame.text === 'string' && frame.text.trim() !== '' && [...frame.text].length <= limit ? frame.text : null;
  }

  #shortcut(frame) {
    return typeof frame.shortcut === 'string' && /^[\p{L}\p{N}_-]+$/u.test(frame.shortcut) && frame.shortcut.length <= MAX_SHORTCUT_CHARS ? frame.shortcut : null;
  }

  async #canned() {
    const { store } = this.#services;
    const replies = (await Promise.all(cannedTeamsOf(this.account).map((team) => store.cannedReplies(team)))).flat();
    return { type: 'canned', team: this.account.teamIds[0] ?? null, replies };
  }

  // A team's canned replies changed: every console that reads them, on every instance,
  // hears it and asks for its list again (an account's list spans all of its teams, so
  // each one is answered from its own).
  #cannedChanged(teams) {
    if (teams.length === 0) return;
    this.#services.presence.toAgents((other) => {
      const changed = cannedTeamsOf(other).filter((team) => teams.includes(team));
      return changed.length > 0 ? { type: 'canned_changed', teams: changed } : null;
    });
  }

  // The tickets of the sites this agent may see, newest first.
  async #visibleTickets() {
    const { store, teams, config } = this.#services;
    const all = (await Promise.all(teams.sitesVisibleTo(this.account).map((siteId) => store.tickets(siteId)))).flat();
    // The due time follows the site's setting as it is now, so changing it moves every open ticket's.
    return all.map((t) => this.#withTicketDefaults(t, config)).sort((a, b) => b.createdAt - a.createdAt);
  }

  #withTicketDefaults(ticket, config = this.#services.config) {
    return { priority: 'normal', assignee: null, notes: [], ...ticket, firstResponseDueAt: ticket.createdAt + config.sites[ticket.siteId].ticketFirstResponseHours * 3_600_000 };
  }

  // A changed ticket goes to every console that may see its site.
  #broadcastTicket(ticket) {
    const { presence, teams } = this.#services;
    const shown = this.#withTicketDefaults(ticket);
    presence.toAgents((other) => (teams.siteVisibleTo(other, ticket.siteId) ? { type: 'ticket', ticket: shown } : null));
  }

  async #ticketRequest(frame) {
    const { store, desk } = this.#services;
    const agent = this.account;
    const fail = (error) => ({ type: 'result', request: frame.type, ticketId: frame.ticketId, error });
    const ticket = typeof frame.ticketId === 'string' ? (await this.#visibleTickets()).find((t) => t.id === frame.ticketId) : null;
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
      if (frame.type === 'ticket_note') changes = { notes: [...ticket.notes, { by: agent.name, text, at: now }] };
      else {
        const sent = await desk.ticketReply(agent, ticket, text);
        if (sent.error) return fail(sent.error);
        changes = { replies: [...(ticket.replies ?? []), { by: agent.name, text, at: now, seq: sent.seq }], firstResponseAt: ticket.firstResponseAt ?? now, ...(ticket.status === 'open' ? { status: 'pending' } : {}) };
      }
    }
    const updated = await store.updateTicket(ticket.id, { ...changes, updatedBy: agent.name, updatedAt: now });
    this.#broadcastTicket(updated);
    return { type: 'result', request: frame.type, ok: true, ticketId: ticket.id };
  }

  async #request(frame) {
    const { desk, store, teams, accounts, config } = this.#services;
    const agent = this.account;
    const id = typeof frame.conversationId === 'string' ? frame.conversationId : '';
    const result = (outcome) => ({ type: 'result', request: frame.type, conversationId: id, ...outcome });
    switch (frame.type) {
      case 'accept': return result(await desk.accept(agent, id));
      case 'message': {
        const text = this.#text(frame);
        if (!text) return result({ error: 'text_invalid' });
        if (frame.attachment === undefined) return result(await desk.agentMessage(agent, id, text));
        const attachment = consoleAttachment(frame.attachment);
        if (!attachment) return result({ error: 'attachment_invalid' });
        return result(await desk.agentMessage(agent, id, text, attachment));
      }
      case 'typing': return result(await desk.agentTyping(agent, id, frame.on === true));
      case 'read': return Number.isInteger(frame.upToSeq) ? result(await desk.agentRead(agent, id, frame.upToSeq)) : result({ error: 'upToSeq_invalid' });
      case 'end': return result(await desk.end(agent, id));
      case 'transfer_to_bot': return result(await desk.transferToBot(agent, id));
      case 'transfer': {
        const outcome = await desk.transfer(agent, id, { toAgentId: frame.toAgentId, toTeamId: frame.toTeamId, note: frame.note });
        if (outcome.ok) await accounts.audit('transfer', { by: agent.id, conversationId: id, ...(typeof frame.toAgentId === 'string' ? { toAgentId: frame.toAgentId } : { toTeamId: frame.toTeamId }) });
        return result(outcome);
      }
      case 'status': return result(desk.setStatus(agent.id, frame.status));
      case 'history': {
        // A conversation of another team answers exactly like one that does not exist.
        if (!(await desk.visibleConversation(agent, id))) return { type: 'history', conversationId: id, conversation: null, messages: [] };
        return { type: 'history', conversationId: id, conversation: await desk.summary(id), messages: await desk.history(id), notes: await store.notes(id) };
      }
      case 'visitor': {
        const conversation = await desk.visibleConversation(agent, id);
        if (!conversation) return result({ error: 'unknown_conversation' });
        return { type: 'visitor', conversationId: id, profile: await visitorProfile(conversation, { store }) };
      }
      case 'assist': {
        const conversation = await desk.visibleConversation(agent, id);
        const text = this.#text(frame);
        if (!conversation || !text) return result({ error: conversation ? 'text_invalid' : 'unknown_conversation' });
        const { tier, matches } = this.#services.knowledge.matches(conversation.siteId, text, ASSIST_MATCHES);
        return { type: 'assist', conversationId: id, seq: Number.isInteger(frame.seq) ? frame.seq : null, tier, matches };
      }
      case 'note': {
        const text = this.#text(frame);
        if (!text) return result({ error: 'text_invalid' });
        const conversation = await desk.visibleConversation(agent, id);
        if (!conversation) return result({ error: 'unknown_conversation' });
        // Agents only: a note goes to the consoles that may see the conversation, never
        // through the visitor presence.
        const note = await store.addNote(id, { text, by: agent.name, now: Date.now() });
        this.#services.presence.toAgents((other) => (teams.conversationVisibleTo(other, conversation) ? { type: 'note', conversationId: id, note } : null));
        return result({ ok: true });
      }
      case 'canned': return this.#canned();
      case 'canned_save': {
        const shortcut = this.#shortcut(frame);
        const text = this.#text(frame);
        if (!shortcut || !text) return { type: 'result', request: frame.type, error: shortcut ? 'text_invalid' : 'shortcut_invalid' };
        const team = cannedTeamsOf(this.account)[0];
        await store.saveCannedReply({ team, shortcut, text });
        this.#cannedChanged([team]);
        return this.#canned();
      }
      case 'canned_delete': {
        const shortcut = this.#shortcut(frame);
        if (!shortcut) return { type: 'result', request: frame.type, error: 'shortcut_invalid' };
        const teams = cannedTeamsOf(this.account);
        const deleted = await Promise.all(teams.map((team) => store.deleteCannedReply(team, shortcut)));
        this.#cannedChanged(teams.filter((_, i) => deleted[i]));
        return this.#canned();
      }
      case 'report': {
        if (!REPORT_DIMENSIONS.includes(frame.by)) return { type: 'result', request: frame.type, error: 'by_invalid' };
        const days = Number.isSafeInteger(frame.days) && frame.days > 0 ? frame.days : 30;
        const records = [];
        // Only the conversations of sites this agent may see are counted; a team shows by
        // its name as it is now (the conversation keeps the team's id).
        for await (const conversation of store.conversations()) {
          if (!teams.conversationVisibleTo(agent, conversation)) continue;
          records.push(conversation.team ? { ...conversation, team: teams.get(conversation.team)?.name ?? conversation.team } : conversation);
        }
        const since = Date.now() - days * DAY_MS;
        return { type: 'report', by: frame.by, days, rows: deskReport(records, { by: frame.by, since }) };
      }
      case 'tickets': return { type: 'tickets', tickets: await this.#visibleTickets() };
      case 'ticket_update':
      case 'ticket_note':
      case 'ticket_reply': return this.#ticketRequest(frame);
      case 'ticket_status': {
        if (typeof frame.ticketId !== 'string' || !TICKET_STATUSES.includes(frame.status)) return { type: 'result', request: frame.type, error: 'ticket_status_invalid' };
        if (!(await this.#visibleTickets()).some((ticket) => ticket.id === frame.ticketId)) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        const ticket = await store.setTicketStatus(frame.ticketId, frame.status, { by: agent.name, now: Date.now() });
        if (!ticket) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        this.#broadcastTicket(ticket);
        return { type: 'result', request: frame.type, ok: true, ticketId: ticket.id };
      }
      case 'ratings': {
        const ratings = [];
        for (const rating of await store.ratings()) {
          const conversation = await store.getConversation(rating.conversationId);
          if (conversation && teams.siteVisibleTo(agent, conversation.siteId)) ratings.push(rating);
        }
        ratings.sort((a, b) => b.ratedAt - a.ratedAt);
        const average = ratings.length ? ratings.reduce((sum, r) => sum + r.stars, 0) / ratings.length : null;
        return { type: 'ratings', ratings, count: ratings.length, average };
      }
      case 'hot_questions': {
        const visible = teams.sitesVisibleTo(agent);
        if (visible.length === 0) return { type: 'error', code: 'no_sites', message: 'no site is visible to this account' };
        const siteId = visible.includes(frame.siteId) ? frame.siteId : visible[0];
        const pageSize = config.limits.hotQuestionsPageSize;
        const offset = Number.isSafeInteger(frame.offset) && frame.offset > 0 ? frame.offset : 0;
        const limit = Number.isSafeInteger(frame.limit) && frame.limit > 0 ? Math.min(frame.limit, pageSize) : pageSize;
        const page = await this.#services.hotQuestions.page(siteId, { offset, limit });
        return { type: 'hot_questions', siteId, threshold: config.hotQuestionSimilarity, offset, limit, ...page };
      }
      case 'exported': {
        // The console built a CSV from what this account was sent: the audit log's export line.
        if (!EXPORT_KINDS.includes(frame.what) || !Number.isSafeInteger(frame.rows) || frame.rows < 0) return { type: 'result', request: frame.type, error: 'export_invalid' };
        await accounts.audit('export', { by: agent.id, what: frame.what, rows: frame.rows });
        return { type: 'result', request: frame.type, ok: true };
      }
      default: return { type: 'error', code: 'unknown_request', message: `no request "${frame.type}"` };
    }
  }
}
