// One agent console WebSocket (`/agent`), speaking the console's own JSON protocol
// (docs/server.md, "Agent console protocol"). The first frame must be `login` with
// the server's agent token; nothing else is answered before it.
import { timingSafeEqual, createHash } from 'node:crypto';
import { clientAddress } from '../security/client-address.js';

const MAX_AGENT_FRAME_CHARS = 64 * 1024;
const MAX_NAME_CHARS = 40;
const MAX_ATTACHMENT_NAME_CHARS = 200;

// Compare digests so the comparison takes the same time whatever the token length.
export function sameToken(given, expected) {
  const digest = (text) => createHash('sha256').update(String(text)).digest();
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(expected));
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
  #ip;
  #services; // {store, desk, presence, config, log, loginBackoff, clock}
  #chain = Promise.resolve();
  #loginTimer;
  name = null;

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
    this.name = name;
    presence.addAgent(this);
    desk.agentConnected(name);
    // Logged in again under another name on this console: the old name is gone from it.
    if (previousName !== null && previousName !== name) {
      log.info('agent_renamed', { from: previousName, to: name });
      await desk.agentSwitchedName(previousName);
    }
    log.info('agent_logged_in', { agent: name });
    const conversations = await desk.openConversations();
    this.send({ type: 'ready', name, sites: Object.keys(config.sites), conversations, queue: conversations.filter((c) => c.state === 'queued').sort((a, b) => a.position - b.position).map((c) => ({ conversationId: c.conversationId, position: c.position })) });
    presence.toAgents({ type: 'agents', names: presence.agentNames() });
  }

  #text(frame) {
    const limit = this.#services.config.limits.maxTextChars;
    return typeof frame.text === 'string' && frame.text.trim() !== '' && [...frame.text].length <= limit ? frame.text : null;
  }

  async #request(frame) {
    const { desk, store, config } = this.#services;
    const id = typeof frame.conversationId === 'string' ? frame.conversationId : '';
    const result = (outcome) => ({ type: 'result', request: frame.type, conversationId: id, ...outcome });
    switch (frame.type) {
      case 'accept': return result(await desk.accept(this.name, id));
      case 'message': {
        const text = this.#text(frame);
        if (!text) return result({ error: 'text_invalid' });
        if (frame.attachment === undefined) return result(await desk.agentMessage(this.name, id, text));
        const attachment = consoleAttachment(frame.attachment);
        if (!attachment) return result({ error: 'attachment_invalid' });
        return result(await desk.agentMessage(this.name, id, text, attachment));
      }
      case 'typing': return result(await desk.agentTyping(this.name, id, frame.on === true));
      case 'read': return Number.isInteger(frame.upToSeq) ? result(await desk.agentRead(this.name, id, frame.upToSeq)) : result({ error: 'upToSeq_invalid' });
      case 'end': return result(await desk.end(this.name, id));
      case 'transfer_to_bot': return result(await desk.transferToBot(this.name, id));
      case 'history': return { type: 'history', conversationId: id, conversation: await desk.summary(id), messages: await desk.history(id) };
      case 'tickets': return { type: 'tickets', tickets: (await Promise.all(Object.keys(config.sites).map((siteId) => store.tickets(siteId)))).flat().sort((a, b) => b.createdAt - a.createdAt) };
      case 'ticket_status': {
        if (typeof frame.ticketId !== 'string' || !['open', 'closed'].includes(frame.status)) return { type: 'result', request: frame.type, error: 'ticket_status_invalid' };
        const ticket = await store.setTicketStatus(frame.ticketId, frame.status, { by: this.name, now: Date.now() });
        if (!ticket) return { type: 'result', request: frame.type, error: 'unknown_ticket' };
        this.#services.presence.toAgents({ type: 'ticket', ticket });
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
