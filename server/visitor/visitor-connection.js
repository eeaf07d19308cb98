// One visitor WebSocket speaking protocol v1 (docs/protocol.md). Frames are handled
// one after another in arrival order, so replies leave in the order the client asked;
// a message is acknowledged only after the store has committed it.
import { randomBytes } from 'node:crypto';
import { parseFrame, PROTOCOL_LIMITS, PROTOCOL_VERSION } from '../protocol/frame-validator.js';
import { isOriginAllowed } from '../security/origins.js';
import { verifyIdentity } from '../security/identity.js';
import { clientAddress } from '../security/client-address.js';
import { attachmentOf, msgFrame, wireMessage } from '../wire/message-frame.js';

const RESYNC_PAGE = PROTOCOL_LIMITS.maxResyncMessages;
// Close codes: 1008 policy violation (origin, site), 1013 try again later (rate),
// 1012 service restart (reconnect now).
const CLOSE_POLICY = 1008;
const CLOSE_TRY_LATER = 1013;
const CLOSE_RESTART = 1012;
// Real user agents are a few hundred characters; the rest is not worth storing.
const MAX_USER_AGENT_CHARS = 512;
// The console shows where the visitor has been; the last few pages are enough.
const PAGES_KEPT = 10;

export class VisitorConnection {
  #socket;
  #origin;
  #ip;
  #services; // {store, desk, presence, config, log, limiters, clock, ownOrigins}
  #chain = Promise.resolve();
  #siteId = null;
  #visitorId = null;
  #epoch = null;
  #locale = null;
  #conversationId = null;
  #limits = PROTOCOL_LIMITS;
  #closed = false;
  #silenceTimer;
  #userAgent;

  constructor(socket, request, services) {
    this.#socket = socket;
    this.#origin = request.headers.origin;
    this.#ip = clientAddress(request, services.config.trustProxy);
    this.#services = services;
    this.#userAgent = String(request.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT_CHARS);
    // Drops a socket that never says hello, or goes silent after it.
    this.#silenceTimer = setTimeout(() => socket.terminate(), services.config.limits.helloTimeoutMs);
    this.#silenceTimer.unref();
    socket.on('message', (data, isBinary) => {
      this.#silenceTimer.refresh();
      const text = isBinary ? null : data.toString('utf8');
      this.#chain = this.#chain.then(() => this.#onText(text)).catch((error) => {
        services.log.error('visitor_frame_failed', { conversationId: this.#conversationId, error: error.message });
        this.send({ type: 'error', code: 'server_error', message: 'the server could not handle that frame; retry' });
      });
    });
    socket.on('close', () => {
      this.#closed = true;
      clearTimeout(this.#silenceTimer);
      if (this.#conversationId) services.presence.removeVisitor(this.#conversationId, this);
    });
  }

  send(frame) {
    if (!this.#closed && this.#socket.readyState === 1) this.#socket.send(JSON.stringify(frame));
  }

  /** Closes with 1012 ("service restart"): the widget reconnects and catches up (resync). */
  restart() {
    this.#socket.close(CLOSE_RESTART, 'reconnect');
  }

  #error(code, message, extra = {}) {
    this.send({ type: 'error', code, message, ...extra });
  }

  #refuse(code, message) {
    this.#error(code, message);
    this.#socket.close(CLOSE_POLICY, code);
  }

  async #onText(text) {
    if (this.#closed) return;
    if (text === null) return this.#error('frame_invalid', 'frames are JSON text, not binary');
    const parsed = parseFrame(text, 'toServer', this.#limits);
    if (parsed.error) return this.#error(parsed.error.code, parsed.error.message);
    const frame = parsed.frame;
    if (frame.type === 'hello') return this.#hello(frame);
    if (!this.#conversationId) return this.#error('hello_required', 'the first frame must be hello');
    switch (frame.type) {
      case 'message': return this.#message(frame);
      case 'handoff': return this.#services.desk.requestHandoff(this.#conversationId, { reason: frame.reason, locale: this.#locale });
      case 'read': return this.#services.desk.visitorRead(this.#conversationId, frame.upToSeq);
      case 'typing': return this.#services.desk.visitorTyping(this.#conversationId, frame.on);
      case 'rate': return this.#rate(frame);
      case 'ticket': return this.#ticket(frame);
      case 'prechat': return this.#prechat(frame);
      case 'resync': return this.#resync(frame.afterSeq);
      case 'page': return this.#page(frame.page);
      case 'ping': return this.send({ type: 'pong', t: frame.t });
      default: return this.#error('frame_unknown_type', `no client frame has type "${frame.type}"`);
    }
  }

  #originAllowed(site) {
    return this.#services.ownOrigins().includes(this.#origin) || isOriginAllowed(this.#origin, site.allowedOrigins);
  }

  async #hello(frame) {
    const { store, desk, presence, config, log, clock } = this.#services;
    if (this.#conversationId) return this.#error('already_welcomed', 'hello was already answered on this connection');
    if (!(await this.#services.limiters.hello.allow(this.#ip, clock()))) {
      this.send({ type: 'error', code: 'rate_limited', message: 'too many new chats from this address; retry in 5 s', retryAfterMs: 5000 });
      this.#socket.close(CLOSE_TRY_LATER, 'rate_limited'); // the widget reconnects with backoff
      return;
    }
    const site = Object.hasOwn(config.sites, frame.siteId) ? config.sites[frame.siteId] : null;
    if (!site) return this.#refuse('unknown_site', `no site "${frame.siteId}" on this server`);
    if (!this.#originAllowed(site)) {
      log.warn('origin_refused', { siteId: frame.siteId, origin: this.#origin ?? null });
      return this.#refuse('origin_not_allowed', 'this page may not open a chat for this site');
    }
    const now = clock();
    const identity = verifyIdentity(frame.identity, site.identitySecret);
    const verified = identity.verified ? { userId: identity.userId, name: identity.name, email: identity.email } : null;

    let conversation = null;
    let sessionToken = frame.sessionToken;
    if (sessionToken) {
      const conversationId = await store.conversationIdForToken(sessionToken);
      conversation = conversationId ? await store.getConversation(conversationId) : null;
      // A token from another site, or one proving a different signed-in user, opens nothing.
      if (conversation && (conversation.siteId !== frame.siteId || (conversation.identity && conversation.identity.userId !== verified?.userId))) conversation = null;
    }
    if (!conversation) {
      sessionToken = `st-${randomBytes(18).toString('base64url')}`;
      // A client that presented a token has been numbering this epoch's messages already.
      const adoptCseqOf = frame.sessionToken ? frame.epoch : null;
      conversation = await store.createConversation({ siteId: frame.siteId, visitorId: frame.visitorId, now, sessionToken, identity: verified, adoptCseqOf });
      log.info('conversation_started', { conversationId: conversation.id, siteId: frame.siteId, verified: Boolean(verified) });
    } else if (frame.locale && conversation.locale !== frame.locale) {
      conversation = await store.updateConversation(conversation.id, { locale: frame.locale });
    }
    if (!conversation.identity && verified) conversation = await store.updateConversation(conversation.id, { identity: verified });
    // The site's own facts about the visitor (Kefu('update', {attributes})), shown to agents.
    if (frame.attributes && JSON.stringify(frame.attributes) !== JSON.stringify(conversation.attributes ?? null)) {
      conversation = await store.updateConversation(conversation.id, { attributes: frame.attributes });
    }
    if (!conversation.locale && frame.locale) conversation = await store.updateConversation(conversation.id, { locale: frame.locale });
    conversation = await this.#noteVisit(conversation, frame.page, now);
    // "Offline" was true when the visitor asked; if agents answer again now, the widget
    // should offer them rather than the leave-a-message form.
    if (conversation.state === 'offline' && desk.agentsAvailable(frame.siteId, now)) conversation = await desk.changePhase(conversation.id, { state: 'bot' });

    this.#siteId = frame.siteId;
    this.#visitorId = frame.visitorId;
    this.#epoch = frame.epoch;
    this.#locale = frame.locale ?? null;
    this.#limits = { ...PROTOCOL_LIMITS, maxTextChars: Math.min(site.maxTextChars, PROTOCOL_LIMITS.maxTextChars) };
    this.#conversationId = conversation.id;
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => this.#socket.terminate(), config.limits.idleTimeoutMs);
    this.#silenceTimer.unref();
    presence.addVisitor(conversation.id, this);
    this.send({
      type: 'welcome', v: PROTOCOL_VERSION, sessionToken, conversationId: conversation.id, lastSeq: conversation.lastSeq,
      nextCseq: (await store.expectedCseq(conversation.id, this.#epoch)) ?? 1, state: conversation.state,
      agentsOnline: desk.agentsAvailable(frame.siteId, now),
      // Asked for once per conversation: a resumed one that has its fields is not asked again.
      preChatForm: Boolean(site.preChatForm) && !conversation.prechat,
      // The index the widget should answer from: one holding another loads this one.
      ...(this.#services.knowledge.version(frame.siteId) ? { kbVersion: this.#services.knowledge.version(frame.siteId) } : {}),
    });
    for (const status of desk.statusFramesFor(conversation)) this.send(status);
  }

  // Both buckets must have room: the visitor's own in `limiter`, and their IP's (one
  // script rotating visitor ids still shares an address).
  // The limiters may be shared between instances (security/shared-rate-limits.js): async.
  async #rateLimited(limiter, { cmid, retryAfterMs = 2000 } = {}) {
    const { limiters, clock } = this.#services;
    const now = clock();
    if ((await limiter.allow(`${this.#siteId}:${this.#visitorId}`, now)) && (await limiters.ip.allow(this.#ip, now))) return false;
    this.#error('rate_limited', `too many requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs, ...(cmid ? { cmid } : {}) });
    return true;
  }

  // What the agent console shows about the visitor (docs/server.md): the browser's user
  // agent (from the upgrade request) and the host page, with the last pages visited.
  async #noteVisit(conversation, page, now) {
    const before = conversation.visitor ?? {};
    const visitor = { ...before, userAgent: this.#userAgent };
    if (page) {
      visitor.page = { url: page.url, title: page.title, at: now };
      if (page.referrer !== undefined) visitor.referrer = page.referrer;
      if (page.timeZone !== undefined) visitor.timeZone = page.timeZone;
      const pages = before.pages ?? [];
      if (pages.at(-1)?.url !== page.url) visitor.pages = [...pages, visitor.page].slice(-PAGES_KEPT);
    }
    // A reconnect from the same page changes nothing: no write.
    if (before.userAgent === visitor.userAgent && before.page?.url === visitor.page?.url && before.page?.title === visitor.page?.title) return conversation;
    return (await this.#services.store.updateConversation(conversation.id, { visitor })) ?? conversation;
  }

  async #page(page) {
    const { store, desk, clock, limiters } = this.#services;
    if (await this.#rateLimited(limiters.visitor)) return;
    const conversation = await this.#noteVisit(await store.getConversation(this.#conversationId), page, clock());
    desk.visitorNavigated(conversation);
  }

  async #prechat(frame) {
    const { limiters, config } = this.#services;
    if (await this.#rateLimited(limiters.prechat, { retryAfterMs: Math.ceil(60_000 / config.limits.prechatPerMinute) })) return;
    await this.#services.store.updateConversation(this.#conversationId, { prechat: frame.fields });
  }

  async #message(frame) {
    const { store, desk, presence, clock, knowledge, hotQuestions } = this.#services;
    if (await this.#rateLimited(this.#services.limiters.visitor, { cmid: frame.cmid })) return;
    const now = clock();
    let conversation = await store.getConversation(this.#conversationId);
    // The visitor's `bot` field only says their widget let the bot take this turn; what
    // the bot answered is decided here, by the same engine on the site's KB, so a
    // visitor can neither store text as the bot's nor file anything as a hot question.
    const botTurn = frame.bot !== undefined && ['bot', 'ended', 'rated'].includes(conversation.state);
    const verdict = botTurn ? knowledge.verdict(this.#siteId, frame.text, this.#locale ?? undefined) : null;
    const botReply = verdict?.tier === 'answer' ? { text: verdict.answer, tier: verdict.tier, faqId: verdict.faqId } : null;
    const unanswered = verdict?.tier === 'suggest' || verdict?.tier === 'handoff';
    let meta = verdict ? { bot: verdict.faqId ? { tier: verdict.tier, faqId: verdict.faqId } : { tier: verdict.tier } } : undefined;
    if (frame.attachment) {
      const attachment = await attachmentOf(store, this.#conversationId, frame.attachment);
      if (!attachment) return this.#error('attachment_not_found', 'upload the file to /attachments before sending the message that carries it', { cmid: frame.cmid });
      meta = { ...meta, attachment };
    }
    const result = await store.appendVisitorMessage(this.#conversationId, {
      cmid: frame.cmid, cseq: frame.cseq, epoch: this.#epoch, text: frame.text, clientTime: frame.clientTime, now, meta, botReply,
      fileHotQuestion: unanswered ? (shared) => hotQuestions.file({ siteId: this.#siteId, visitorId: this.#visitorId, text: frame.text, tier: verdict.tier, at: now }, shared) : null,
    });
    if (result.expectedCseq !== undefined) return this.send({ type: 'nack', cmid: frame.cmid, expectedCseq: result.expectedCseq });
    this.send({ type: 'ack', cmid: frame.cmid, cseq: frame.cseq, seq: result.seq, serverId: result.serverId });
    if (result.duplicate) {
      // A resend: the server that stored the original may have died before passing it on
      // (the lost ack is why it came again), so the consoles get it again; they keep one
      // copy of each seq.
      const [original] = await store.messagesAfter(this.#conversationId, result.seq - 1, 1);
      if (original) desk.visitorMessageStored(conversation, [original]);
      return;
    }
    conversation = await store.getConversation(this.#conversationId);
    // For the report's bot-resolved share; written once per conversation.
    if (botReply && !conversation.botAnswered) conversation = await store.updateConversation(this.#conversationId, { botAnswered: true });
    // Writing after the end starts over with the bot, as the visitor's session does.
    if (conversation.state === 'ended' || conversation.state === 'rated') conversation = await desk.changePhase(this.#conversationId, { state: 'bot' });
    const stored = { author: 'visitor', cmid: frame.cmid, text: frame.text, serverTime: now, seq: result.seq, serverId: result.serverId, meta };
    // The sender learned the seq from the ack; other tabs learn the message here.
    presence.toVisitors(this.#conversationId, msgFrame(stored), this);
    if (result.reply) presence.toVisitors(this.#conversationId, msgFrame(result.reply));
    desk.visitorMessageStored(conversation, result.reply ? [stored, result.reply] : [stored]);
  }

  async #rate(frame) {
    const conversation = await this.#services.store.getConversation(this.#conversationId);
    if (conversation.state !== 'ended') return this.#error('invalid_in_state', `a rating is possible after the conversation ended, not while it is ${conversation.state}`);
    await this.#services.desk.rate(this.#conversationId, { stars: frame.stars, comment: frame.comment });
  }

  async #ticket(frame) {
    const { store, desk, clock, log } = this.#services;
    if (await this.#rateLimited(this.#services.limiters.visitor, { cmid: frame.cmid })) return;
    const { ticket, duplicate } = await store.createTicket({
      siteId: this.#siteId, visitorId: this.#visitorId, conversationId: this.#conversationId, message: frame.message, contact: frame.contact, now: clock(), cmid: frame.cmid,
    });
    if (!duplicate) {
      await desk.changePhase(this.#conversationId, { state: 'ticket_submitted' });
      log.info('ticket_created', { conversationId: this.#conversationId, ticketId: ticket.id });
      desk.ticketCreated(ticket);
    }
    this.send({ type: 'event', event: 'ticket_created', cmid: frame.cmid, ticketId: ticket.id });
  }

  async #resync(afterSeq) {
    const { store } = this.#services;
    const conversation = await store.getConversation(this.#conversationId);
    const page = await store.messagesAfter(this.#conversationId, afterSeq, RESYNC_PAGE);
    const lastSent = page.length ? page.at(-1).seq : afterSeq;
    this.send({ type: 'resync', messages: page.map(wireMessage), lastSeq: conversation.lastSeq, more: lastSent < conversation.lastSeq });
  }
}
