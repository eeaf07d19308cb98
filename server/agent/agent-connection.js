// One agent console WebSocket (`/agent`), speaking the console's own JSON protocol
// (docs/server.md, "Agent console protocol"). The socket only opens on a live console
// session (server.js checks the cookie and the Origin at the upgrade), so it belongs to
// one account from the start; the first frame must still be `login`, which answers
// `ready`, and nothing else is answered before it.
const MAX_AGENT_FRAME_CHARS = 64 * 1024;
const MAX_ATTACHMENT_NAME_CHARS = 200;
// setTimeout's ceiling (about 24.8 days); a longer session is checked again at reconnect.
const MAX_TIMER_MS = 2 ** 31 - 1;

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

  // The tickets of the sites this agent may see, newest first.
  async #visibleTickets() {
    const { store, teams } = this.#services;
    return (await Promise.all(teams.sitesVisibleTo(this.account).map((siteId) => store.tickets(siteId)))).flat().sort((a, b) => b.createdAt - a.createdAt);
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
        return { type: 'history', conversationId: id, conversation: await desk.summary(id), messages: await desk.history(id) };
      }
      case 'tickets': return { type: 'tickets', tickets: await this.#visibleTickets() };
      case 'ticket_status': {
        if (typeof frame.ticketId !== 'string' || !['open', 'closed'].includes(frame.status)) return { type: 'result', request: frame.type, error: 'ticket_status_invalid' };
        if (!(await this.#visibleTickets()).some((ticket) => ticket.id === frame.ticketId)) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        const ticket = await store.setTicketStatus(frame.ticketId, frame.status, { by: agent.name, now: Date.now() });
        if (!ticket) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        this.#services.presence.toAgents((other) => (teams.siteVisibleTo(other, ticket.siteId) ? { type: 'ticket', ticket } : null));
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
        const page = this.#services.hotQuestions.page(siteId, { offset, limit });
        return { type: 'hot_questions', siteId, threshold: config.hotQuestionSimilarity, offset, limit, ...page };
      }
      default: return { type: 'error', code: 'unknown_request', message: `no request "${frame.type}"` };
    }
  }
}
