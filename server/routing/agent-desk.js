// Agent routing: the waiting queue (positions and ETA), agents accepting, agent
// messages, typing and read receipts both ways, transfer back to the bot, ending a
// conversation and the rating after it. The conversation's phase is stored (so a
// restart keeps the queue); who is online and who is typing is not.
import { describeBusinessHours, isWithinBusinessHours } from './business-hours.js';
import { HandlingTimes } from './handling-times.js';
import { msgFrame, wireMessage } from '../wire/message-frame.js';

// The console list previews the last message by its first characters.
const LAST_MESSAGE_CHARS = 120;

export class AgentDesk {
  #store;
  #presence;
  #config;
  #log;
  #clock;
  #queue = []; // conversation ids, longest waiting first
  #handlingTimes;
  #visitorTyping = new Map(); // conversationId -> {forwarded, wanted, timer} (see visitorTyping)
  #departures = new Map(); // agent name -> timer returning their conversations to the queue

  constructor({ store, presence, config, log, clock = Date.now }) {
    this.#store = store;
    this.#presence = presence;
    this.#config = config;
    this.#log = log;
    this.#clock = clock;
    this.#handlingTimes = new HandlingTimes({ window: config.handlingTimeWindow, defaultSeconds: config.defaultHandlingSeconds });
  }

  /** Rebuilds the queue from the stored phases after a restart. */
  async restore() {
    const waiting = [];
    for await (const conversation of this.#store.conversations()) {
      if (conversation.state === 'queued') waiting.push(conversation);
    }
    waiting.sort((a, b) => a.queuedAt - b.queuedAt);
    this.#queue = waiting.map((conversation) => conversation.id);
  }

  /** Agents can take a hand-off now: within business hours and (if required) someone logged in. */
  agentsAvailable(siteId, now = this.#clock()) {
    const site = this.#config.sites[siteId];
    if (!site || !isWithinBusinessHours(site.businessHours, now)) return false;
    return !site.offlineWhenNoAgent || this.#presence.agentNames().length > 0;
  }

  queuePosition(conversationId) {
    return this.#queue.indexOf(conversationId) + 1;
  }

  #queuedEvent(conversationId) {
    const position = this.queuePosition(conversationId);
    return { type: 'event', event: 'queued', position, etaSeconds: this.#handlingTimes.etaSeconds(position, this.#presence.agentNames().length) };
  }

  /**
   * Frames a (re)connecting visitor needs after `welcome` to see where the conversation
   * stands: the phase alone does not carry the queue position or the agent's name.
   */
  statusFramesFor(conversation) {
    if (conversation.state === 'queued' && this.queuePosition(conversation.id) > 0) return [this.#queuedEvent(conversation.id)];
    if (conversation.state === 'with_agent') return [{ type: 'event', event: 'agent_joined', name: conversation.agentName }];
    if (conversation.state === 'ended') return [{ type: 'event', event: 'rating_requested' }];
    return [];
  }

  #announceQueue() {
    for (const conversationId of this.#queue) this.#presence.toVisitors(conversationId, this.#queuedEvent(conversationId));
    this.#presence.toAgents({ type: 'queue', entries: this.#queue.map((id, i) => ({ conversationId: id, position: i + 1 })) });
  }

  async summary(conversationId) {
    const c = await this.#store.getConversation(conversationId);
    if (!c) return null;
    const visitorName = c.identity?.name ?? c.prechat?.name ?? null;
    return {
      conversationId: c.id, siteId: c.siteId, visitorId: c.visitorId, visitorName, verifiedUserId: c.identity?.userId ?? null, locale: c.locale ?? null,
      state: c.state, queuedAt: c.queuedAt ?? null, position: this.queuePosition(c.id), agentName: c.agentName ?? null,
      lastSeq: c.lastSeq, visitorReadUpTo: c.visitorReadUpTo ?? 0, agentReadUpTo: c.agentReadUpTo ?? 0,
      online: this.#presence.isVisitorOnline(c.id), prechat: c.prechat ?? null, rating: c.rating ?? null,
      handoffReason: c.handoffReason ?? null, team: c.team ?? null, page: c.visitor?.page ?? null, lastMessage: await this.#lastMessage(c),
    };
  }

  // The list row's preview: who wrote last, the start of it, and when.
  async #lastMessage(conversation) {
    if (!conversation.lastSeq) return null;
    const [last] = await this.#store.messagesAfter(conversation.id, conversation.lastSeq - 1, 1);
    return last ? { author: last.author, text: last.text.slice(0, LAST_MESSAGE_CHARS), at: last.serverTime, seq: last.seq } : null;
  }

  /** The visitor moved to another page: the consoles showing the conversation hear of it. */
  async visitorNavigated(conversation) {
    if (conversation.state === 'queued' || conversation.state === 'with_agent') await this.#announceConversation(conversation.id);
  }

  /** Every conversation an agent should see at login: waiting or being handled. */
  async openConversations() {
    const open = [];
    for await (const conversation of this.#store.conversations()) {
      if (conversation.state === 'queued' || conversation.state === 'with_agent') open.push(await this.summary(conversation.id));
    }
    return open;
  }

  async #announceConversation(conversationId) {
    this.#presence.toAgents({ type: 'conversation', conversation: await this.summary(conversationId) });
  }

  /**
   * Every change of a conversation's phase goes through here, from whichever side it
   * comes (hand-off, accept, leave-a-message, end, a message after the end…): the stored
   * phase and the waiting queue change together, so a conversation that leaves `queued`
   * by any path leaves the queue, and the consoles hear of every change to one they show.
   */
  async changePhase(conversationId, changes) {
    const before = await this.#store.getConversation(conversationId);
    const updated = await this.#store.updateConversation(conversationId, changes);
    if (!updated) return null;
    const waiting = this.#queue.includes(conversationId);
    if (updated.state === 'queued' && !waiting) this.#queue.push(conversationId);
    if (updated.state !== 'queued' && waiting) this.#queue = this.#queue.filter((id) => id !== conversationId);
    if ((updated.state === 'queued') !== waiting) this.#announceQueue();
    const shownToAgents = (state) => state === 'queued' || state === 'with_agent';
    if (before.state !== updated.state && (shownToAgents(before.state) || shownToAgents(updated.state))) await this.#announceConversation(conversationId);
    return updated;
  }

  // ---- from the visitor --------------------------------------------------------

  /** The visitor asked for a person (button, keyword or unanswered questions). */
  async requestHandoff(conversationId, { reason, locale }) {
    const now = this.#clock();
    const conversation = await this.#store.getConversation(conversationId);
    if (conversation.state === 'queued' || conversation.state === 'with_agent') {
      // Asked again (another tab, or a resend after reconnect): say where it stands.
      for (const frame of this.statusFramesFor(conversation)) this.#presence.toVisitors(conversationId, frame);
      return;
    }
    if (!this.agentsAvailable(conversation.siteId, now)) {
      await this.changePhase(conversationId, { state: 'offline' });
      const hours = describeBusinessHours(this.#config.sites[conversation.siteId]?.businessHours, locale ?? conversation.locale ?? 'en');
      this.#presence.toVisitors(conversationId, hours ? { type: 'event', event: 'offline', hours } : { type: 'event', event: 'offline' });
      this.#log.info('handoff_offline', { conversationId, reason });
      return;
    }
    await this.changePhase(conversationId, { state: 'queued', queuedAt: now, handoffReason: reason });
    this.#log.info('handoff_queued', { conversationId, reason, position: this.queuePosition(conversationId) });
  }

  /** A stored visitor message (and the bot reply stored with it) reaches the agents. */
  visitorMessageStored(conversation, storedMessages) {
    if (conversation.state !== 'queued' && conversation.state !== 'with_agent') return;
    for (const message of storedMessages) this.#presence.toAgents({ type: 'msg', conversationId: conversation.id, message: this.#consoleMessage(message) });
  }

  // A typing frame per keystroke (or a script toggling it) would reach every console:
  // per conversation at most one frame per `typingForwardIntervalMs`. The first frame
  // goes at once; what arrives inside the interval is sent at its end as the latest
  // state, so "off" always arrives; a conversation quiet for an interval is forgotten
  // (nothing is kept for visitors who left). While typing goes on, "on" repeats about
  // once an interval (the console shows it until "off").
  visitorTyping(conversationId, on) {
    const entry = this.#visitorTyping.get(conversationId);
    if (entry) {
      entry.wanted = on; // the interval's timer sends it
      return;
    }
    const fresh = { forwarded: null, wanted: on, timer: null };
    this.#visitorTyping.set(conversationId, fresh);
    this.#forwardTyping(conversationId, fresh);
  }

  #forwardTyping(conversationId, entry) {
    if (entry.wanted === entry.forwarded) {
      this.#visitorTyping.delete(conversationId);
      return;
    }
    this.#presence.toAgents({ type: 'visitor_typing', conversationId, on: entry.wanted });
    entry.forwarded = entry.wanted;
    entry.timer = setTimeout(() => this.#forwardTyping(conversationId, entry), this.#config.limits.typingForwardIntervalMs);
    entry.timer.unref();
  }

  // Stored, so the console's receipts survive its reload and a server restart.
  async visitorRead(conversationId, upToSeq) {
    const conversation = await this.#store.getConversation(conversationId);
    const readUpTo = Math.min(upToSeq, conversation.lastSeq);
    if (readUpTo <= (conversation.visitorReadUpTo ?? 0)) return;
    await this.#store.updateConversation(conversationId, { visitorReadUpTo: readUpTo });
    this.#presence.toAgents({ type: 'visitor_read', conversationId, upToSeq: readUpTo });
  }

  async rate(conversationId, { stars, comment }) {
    const now = this.#clock();
    const rating = await this.#store.rate(conversationId, { stars, comment, now });
    const conversation = await this.changePhase(conversationId, { state: 'rated', rating: { stars, comment: comment ?? '' } });
    this.#presence.toAgents({ type: 'rating', rating: { ...rating, agentName: conversation?.agentName ?? null } });
    this.#log.info('conversation_rated', { conversationId, stars });
  }

  ticketCreated(ticket) {
    this.#presence.toAgents({ type: 'ticket', ticket });
  }

  // ---- agents coming and going ---------------------------------------------------

  agentConnected(agentName) {
    clearTimeout(this.#departures.get(agentName));
    this.#departures.delete(agentName);
  }

  /**
   * The agent's last console closed. A reload or a network blip comes back within
   * `agentReconnectGraceSeconds`; after that their visitors go back to the front of the
   * queue (they keep their original hand-off time) rather than wait for nobody.
   */
  agentDisconnected(agentName) {
    if (this.#presence.agentNames().includes(agentName)) return;
    clearTimeout(this.#departures.get(agentName));
    const timer = setTimeout(() => {
      this.#departures.delete(agentName);
      this.#requeueConversationsOf(agentName).catch((error) => this.#log.error('requeue_failed', { agent: agentName, error: error.message }));
    }, this.#config.agentReconnectGraceSeconds * 1000);
    timer.unref();
    this.#departures.set(agentName, timer);
  }

  /**
   * A console that held `agentName` logged in again under another name. Unlike a closed
   * console there is no reload to wait for: if no other console holds the old name, its
   * conversations go back to the front of the queue now.
   */
  async agentSwitchedName(agentName) {
    if (this.#presence.agentNames().includes(agentName)) return;
    clearTimeout(this.#departures.get(agentName));
    this.#departures.delete(agentName);
    await this.#requeueConversationsOf(agentName);
  }

  async #requeueConversationsOf(agentName) {
    if (this.#presence.agentNames().includes(agentName)) return;
    const held = [];
    for await (const conversation of this.#store.conversations()) {
      if (conversation.state === 'with_agent' && conversation.agentName === agentName) held.push(conversation);
    }
    // Back at the front, in their original hand-off order.
    for (const conversation of held.sort((a, b) => b.queuedAt - a.queuedAt)) {
      this.#queue.unshift(conversation.id);
      await this.changePhase(conversation.id, { state: 'queued', agentName: null });
      this.#presence.toVisitors(conversation.id, { type: 'event', event: 'agent_left', name: agentName });
      this.#log.info('agent_left_requeued', { conversationId: conversation.id, agent: agentName });
    }
    if (held.length > 0) this.#announceQueue();
  }

  /** Stops pending timers (server shutdown). */
  stop() {
    for (const timer of this.#departures.values()) clearTimeout(timer);
    this.#departures.clear();
    for (const entry of this.#visitorTyping.values()) clearTimeout(entry.timer);
    this.#visitorTyping.clear();
  }

  // ---- from an agent -----------------------------------------------------------

  /** `team`: the accepting agent's team, kept for the per-team report. */
  async accept(agentName, conversationId, team = null) {
    const now = this.#clock();
    const conversation = await this.#store.getConversation(conversationId);
    if (!conversation) return { error: 'unknown_conversation' };
    if (conversation.state !== 'queued') return { error: 'not_waiting' };
    await this.changePhase(conversationId, { state: 'with_agent', agentName, acceptedAt: now, team, firstResponseAt: null });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'agent_joined', name: agentName });
    this.#log.info('agent_accepted', { conversationId, agent: agentName, waitedMs: now - (conversation.queuedAt ?? now) });
    return { ok: true };
  }

  async #assigned(agentName, conversationId) {
    const conversation = await this.#store.getConversation(conversationId);
    if (!conversation) return { error: 'unknown_conversation' };
    if (conversation.state !== 'with_agent' || conversation.agentName !== agentName) return { error: 'not_your_conversation' };
    return { conversation };
  }

  async agentMessage(agentName, conversationId, text) {
    const { conversation, error } = await this.#assigned(agentName, conversationId);
    if (error) return { error };
    const now = this.#clock();
    const stored = await this.#store.appendServerMessage(conversationId, { author: 'agent', name: agentName, text, now });
    // The report's first-response time: from the hand-off to a person's first words.
    if (!conversation.firstResponseAt) await this.#store.updateConversation(conversationId, { firstResponseAt: now });
    this.#presence.toVisitors(conversationId, msgFrame(stored));
    this.#presence.toAgents({ type: 'msg', conversationId, message: this.#consoleMessage(stored) });
    return { ok: true, seq: stored.seq };
  }

  async agentTyping(agentName, conversationId, on) {
    const { error } = await this.#assigned(agentName, conversationId);
    if (error) return { error };
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'typing', on });
    return { ok: true };
  }

  async agentRead(agentName, conversationId, upToSeq) {
    const { conversation, error } = await this.#assigned(agentName, conversationId);
    if (error) return { error };
    if (upToSeq <= (conversation.agentReadUpTo ?? 0)) return { ok: true };
    await this.#store.updateConversation(conversationId, { agentReadUpTo: Math.min(upToSeq, conversation.lastSeq) });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'read', upToSeq: Math.min(upToSeq, conversation.lastSeq) });
    return { ok: true };
  }

  async end(agentName, conversationId) {
    const now = this.#clock();
    const { conversation, error } = await this.#assigned(agentName, conversationId);
    if (error) return { error };
    await this.changePhase(conversationId, { state: 'ended', endedAt: now });
    this.#handlingTimes.record((now - conversation.acceptedAt) / 1000);
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'typing', on: false });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'ended', by: 'agent' });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'rating_requested' });
    this.#log.info('conversation_ended', { conversationId, agent: agentName, handledMs: now - conversation.acceptedAt });
    return { ok: true };
  }

  async transferToBot(agentName, conversationId) {
    const now = this.#clock();
    const { conversation, error } = await this.#assigned(agentName, conversationId);
    if (error) return { error };
    await this.changePhase(conversationId, { state: 'bot', endedAt: now });
    this.#handlingTimes.record((now - conversation.acceptedAt) / 1000);
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'returned_to_bot' });
    this.#log.info('returned_to_bot', { conversationId, agent: agentName });
    return { ok: true };
  }

  /**
   * An agent's reply to a ticket: a message in the ticket's conversation, which the
   * visitor's widget receives now if open, or in its resync the next time it opens.
   */
  async ticketReply(agentName, ticket, text) {
    if (!ticket.conversationId || !(await this.#store.getConversation(ticket.conversationId))) return { error: 'no_conversation' };
    const stored = await this.#store.appendServerMessage(ticket.conversationId, { author: 'agent', name: agentName, text, now: this.#clock() });
    this.#presence.toVisitors(ticket.conversationId, msgFrame(stored));
    return { ok: true, seq: stored.seq };
  }

  /** The whole conversation for the console, with the FAQ tier each bot turn got. */
  async history(conversationId) {
    const messages = [];
    for (let afterSeq = 0; ; ) {
      const page = await this.#store.messagesAfter(conversationId, afterSeq, 500);
      messages.push(...page.map((message) => this.#consoleMessage(message)));
      if (page.length < 500) break;
      afterSeq = page.at(-1).seq;
    }
    return messages;
  }

  // What the console shows of a message: the wire fields plus the bot's tier for
  // the visitor's questions (the FAQ engine's verdict on each turn).
  #consoleMessage(stored) {
    const message = wireMessage(stored);
    const tier = stored.meta?.bot?.tier ?? stored.meta?.tier;
    if (tier) message.tier = tier;
    const faqId = stored.meta?.bot?.faqId ?? stored.meta?.faqId;
    if (faqId) message.faqId = faqId;
    return message;
  }
}
