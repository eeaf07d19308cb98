// Agent routing: the waiting queue (per team: positions and ETA), assignment under each
// agent's concurrency limit (automatic to the least-busy online agent of the team, or
// picked from the queue where the team says so), agent states, transfers with a note,
// agent messages, typing and read receipts both ways, transfer back to the bot, ending
// a conversation and the rating after it. The conversation's phase is stored (so a
// restart keeps the queue); who is online, away or typing is not.
//
// Every assignment, automatic, picked or transferred, is decided in #claim, which is the
// store's atomic claim: several instances on one database keep one queue (the store is
// its truth; an instance that changed it tells the others over the fan-out bus,
// server/fanout/, and they read it again), and two agents (or one agent on two consoles)
// on different instances never both get the same visitor nor pass the agent's limit.
import { describeBusinessHours, isWithinBusinessHours } from './business-hours.js';
import { HandlingTimes } from './handling-times.js';
import { attachmentOf, msgFrame, wireMessage } from '../wire/message-frame.js';
import { NO_TEAM } from '../accounts/team-directory.js';

export const AGENT_STATES = ['online', 'away'];
const MAX_NOTE_CHARS = 1000;

// The console list previews the last message by its first characters.
const LAST_MESSAGE_CHARS = 120;

export class AgentDesk {
  #store;
  #presence;
  #teams;
  #config;
  #log;
  #clock;
  #queue = []; // conversation ids, longest waiting first (requeued ones at the front)
  #queueTeams = new Map(); // queued conversation id -> the team it waits for
  #agents = new Map(); // account id -> {id, name, teamIds, role, maxChats, status, consoles, active: Set, lastAssignedAt}
  #held = new Map(); // agent account id -> conversation ids they hold (also while they are away or gone)
  #handlingTimes;
  #visitorTyping = new Map(); // conversationId -> {forwarded, wanted, timer} (see visitorTyping)
  #departures = new Map(); // agent account id -> timer returning their conversations to the queue
  #fanout;
  #reload = null; // the queue reload under way (#queueChangedElsewhere)
  #reloadAgain = false;

  constructor({ store, presence, fanout, teams, config, log, clock = Date.now }) {
    this.#store = store;
    this.#presence = presence;
    this.#fanout = fanout;
    this.#teams = teams;
    fanout.subscribe((message) => {
      if (message.to === 'desk' && message.event === 'queue_changed') this.#queueChangedElsewhere();
      if (message.to === 'desk' && message.event === 'held_moved') {
        this.#heldMoved(message.conversationId, message.fromAgentId, message.toAgentId);
        this.#announceAgents();
        if (message.fromAgentId && this.#agents.has(message.fromAgentId)) this.#dispatchSoon();
      }
      if (message.to === 'desk' && message.event === 'status') this.#statusSetElsewhere(message.agentId, message.status);
      if (message.to === 'desk' && message.event === 'handled') this.#handlingTimes.record(message.seconds);
    });
    this.#config = config;
    this.#log = log;
    this.#clock = clock;
    this.#handlingTimes = new HandlingTimes({ window: config.handlingTimeWindow, defaultSeconds: config.defaultHandlingSeconds });
  }

  /** Rebuilds the queue and who holds what from the stored phases after a restart. */
  async restore() {
    const waiting = [];
    for await (const conversation of this.#store.conversations()) {
      if (conversation.state === 'queued') waiting.push(conversation);
      if (conversation.state === 'with_agent' && conversation.agentId) this.#heldBy(conversation.agentId).add(conversation.id);
    }
    waiting.sort((a, b) => a.queuedAt - b.queuedAt);
    this.#queue = waiting.map((conversation) => conversation.id);
    for (const conversation of waiting) this.#queueTeams.set(conversation.id, this.#teams.routingTeamOf(conversation));
  }

  // The queue as stored now (another instance changed it, or this one did with others).
  async #reloadQueue() {
    const waiting = await this.#store.queuedConversations();
    this.#queue = waiting.map((conversation) => conversation.id);
    this.#queueTeams = new Map(waiting.map((conversation) => [conversation.id, this.#teams.routingTeamOf(conversation)]));
  }

  // A conversation left one agent's hands and/or reached another's (here or on another
  // instance: the agents' loads, their limits and the dispatch read #held).
  #heldMoved(conversationId, from, to) {
    if (from) this.#held.get(from)?.delete(conversationId);
    if (to) this.#heldBy(to).add(conversationId);
  }

  #heldBy(agentId) {
    if (!this.#held.has(agentId)) this.#held.set(agentId, new Set());
    return this.#held.get(agentId);
  }

  /** Agents can take a hand-off now: within business hours and (if required) someone logged in. */
  agentsAvailable(siteId, now = this.#clock()) {
    return this.availability(siteId, now).state === 'open';
  }

  /**
   * Whether a hand-off would reach a person now, and why not: `closed` (outside business
   * hours), `no_agent` (within them, nobody logged in), else `open` with the wait a new
   * visitor would have at the back of the queue. The widget's home screen shows it.
   * @returns {{state: 'open' | 'closed' | 'no_agent', etaSeconds?: number}}
   */
  availability(siteId, now = this.#clock()) {
    const site = this.#config.sites[siteId];
    if (!site || !isWithinBusinessHours(site.businessHours, now)) return { state: 'closed' };
    if (site.offlineWhenNoAgent && this.#presence.agentIds().length === 0) return { state: 'no_agent' };
    // The wait at the back of the site's team's queue, as the `queued` event would say it.
    const team = this.#teams.teamOfSite(siteId);
    let position = 1;
    for (const id of this.#queue) if (this.#queueTeams.get(id) === team) position += 1;
    return { state: 'open', etaSeconds: this.#handlingTimes.etaSeconds(position, this.#servingAgents(team).length) };
  }

  /** 1-based place among the conversations waiting for the same team; 0 when not queued. */
  queuePosition(conversationId) {
    const team = this.#queueTeams.get(conversationId);
    if (team === undefined) return 0;
    let position = 0;
    for (const id of this.#queue) {
      if (this.#queueTeams.get(id) === team) position += 1;
      if (id === conversationId) return position;
    }
    return 0;
  }

  // Agents online (not away), on any instance, who take the team's conversations: the ETA divides by them.
  #servingAgents(team) {
    return this.#presence.agents().filter((agent) => (agent.status ?? 'online') === 'online' && this.#teams.serves(agent, team));
  }

  #queuedEvent(conversationId) {
    const position = this.queuePosition(conversationId);
    const team = this.#queueTeams.get(conversationId);
    return { type: 'event', event: 'queued', position, etaSeconds: this.#handlingTimes.etaSeconds(position, this.#servingAgents(team).length) };
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

  // Another instance changed the queue: read it again (after its commit), announce it
  // here and offer it to this instance's agents. Reloads run one at a time, and signals
  // that arrive during one share the next.
  #queueChangedElsewhere() {
    if (this.#reload) {
      this.#reloadAgain = true;
      return;
    }
    this.#reload = (async () => {
      do {
        this.#reloadAgain = false;
        await this.#reloadQueue();
        this.#announceQueue();
        this.#dispatchSoon();
      } while (this.#reloadAgain);
    })().catch((error) => this.#log.error('queue_reload_failed', { error: error.message })).finally(() => {
      this.#reload = null;
    });
  }

  // Positions in one pass: conversation id -> place in its team's line.
  #positions() {
    const counts = new Map();
    const positions = new Map();
    for (const conversationId of this.#queue) {
      const team = this.#queueTeams.get(conversationId);
      const position = (counts.get(team) ?? 0) + 1;
      counts.set(team, position);
      positions.set(conversationId, position);
    }
    return positions;
  }

  // The queue changes in bursts (a dispatch assigns many at once): visitors and consoles
  // hear the positions once per burst, after it, not once per change.
  #announceTimer = null;

  #announceQueue() {
    if (this.#announceTimer) return;
    this.#announceTimer = setImmediate(() => {
      this.#announceTimer = null;
      this.#sendQueue();
    });
  }

  // Each console hears of the queue entries it may see, numbered within their team. Each
  // instance tells its own visitors and consoles, from its own view of the queue: one
  // instance's view published to all could reach a visitor after another instance has
  // already given them to an agent.
  #sendQueue() {
    const positions = this.#positions();
    const entries = this.#queue.map((conversationId) => ({ conversationId, position: positions.get(conversationId), teamId: this.#queueTeams.get(conversationId) || null }));
    const serving = new Map();
    for (const entry of entries) {
      const team = entry.teamId ?? NO_TEAM;
      if (!serving.has(team)) serving.set(team, this.#servingAgents(team).length);
      this.#presence.toVisitorsHere(entry.conversationId, { type: 'event', event: 'queued', position: entry.position, etaSeconds: this.#handlingTimes.etaSeconds(entry.position, serving.get(team)) });
    }
    this.#presence.toAgentsHere((agent) => ({ type: 'queue', entries: entries.filter((entry) => agent.role === 'admin' || this.#teams.serves(agent, entry.teamId ?? NO_TEAM)) }));
  }

  // Sends to the consoles that may see this conversation (team wall).
  #toConsolesOf(conversation, frame) {
    this.#presence.toAgents((agent) => (this.#teams.conversationVisibleTo(agent, conversation) ? frame : null));
  }

  /** Whether this console may see the conversation (the same rule as every frame it gets). */
  async visibleConversation(agent, conversationId) {
    const conversation = typeof conversationId === 'string' && conversationId !== '' ? await this.#store.getConversation(conversationId) : null;
    return conversation && this.#teams.conversationVisibleTo(agent, conversation) ? conversation : null;
  }

  /** What a console shows of a conversation; `positions` (from #positions) saves a queue walk per call. */
  async summary(conversationId, positions = null) {
    const c = await this.#store.getConversation(conversationId);
    if (!c) return null;
    const visitorName = c.identity?.name ?? c.prechat?.name ?? null;
    return {
      conversationId: c.id, siteId: c.siteId, visitorId: c.visitorId, visitorName, verifiedUserId: c.identity?.userId ?? null, locale: c.locale ?? null,
      state: c.state, queuedAt: c.queuedAt ?? null, position: positions ? positions.get(c.id) ?? 0 : this.queuePosition(c.id), teamId: this.#teams.routingTeamOf(c) || null,
      agentId: c.agentId ?? null, agentName: c.agentName ?? null,
      lastSeq: c.lastSeq, visitorReadUpTo: c.visitorReadUpTo ?? 0, agentReadUpTo: c.agentReadUpTo ?? 0,
      online: this.#presence.isVisitorOnline(c.id), prechat: c.prechat ?? null, rating: c.rating ?? null, notes: c.notes ?? [],
      handoffReason: c.handoffReason ?? null, team: c.team ?? null, page: c.visitor?.page ?? null, lastMessage: await this.#lastMessage(c),
      attributes: c.attributes ?? null,
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
    if (conversation.state === 'queued' || conversation.state === 'with_agent') await this.#announceConversation(conversation);
  }

  /** Every conversation this agent should see at login: waiting or being handled. */
  async openConversations(agent) {
    const open = [];
    const positions = this.#positions();
    for await (const conversation of this.#store.conversations()) {
      if ((conversation.state === 'queued' || conversation.state === 'with_agent') && this.#teams.conversationVisibleTo(agent, conversation)) open.push(await this.summary(conversation.id, positions));
    }
    return open;
  }

  async #announceConversation(conversation) {
    this.#toConsolesOf(conversation, { type: 'conversation', conversation: await this.summary(conversation.id) });
  }

  /**
   * Every change of a conversation's phase goes through here, from whichever side it
   * comes (hand-off, accept, leave-a-message, end, a message after the end…): the stored
   * phase, the waiting queue and who holds what change together, so a conversation that
   * leaves `queued` by any path leaves the queue, and the consoles hear of every change
   * to one they show. `front`: a requeued conversation goes first in line.
   */
  async changePhase(conversationId, changes, { front = false } = {}) {
    const before = await this.#store.getConversation(conversationId);
    const updated = await this.#store.updateConversation(conversationId, changes);
    if (!updated) return null;
    await this.#phaseChanged(before, updated, { front });
    return updated;
  }

  // `before`: the conversation's state, agentId and team before the change.
  async #phaseChanged(before, updated, { front = false } = {}) {
    const conversationId = updated.id;
    const heldBefore = before.state === 'with_agent' ? before.agentId ?? null : null;
    const heldNow = updated.state === 'with_agent' ? updated.agentId ?? null : null;
    if (heldBefore !== heldNow) {
      this.#heldMoved(conversationId, heldBefore, heldNow);
      this.#fanout.publish({ to: 'desk', event: 'held_moved', conversationId, fromAgentId: heldBefore, toAgentId: heldNow });
    }
    const waiting = this.#queueTeams.has(conversationId);
    const team = this.#teams.routingTeamOf(updated);
    // The stored change counts too: with others, a reload may already show it here.
    const queueChanged = (updated.state === 'queued') !== waiting || (waiting && this.#queueTeams.get(conversationId) !== team)
      || (before.state === 'queued') !== (updated.state === 'queued');
    if (queueChanged) {
      // Alone, this instance's queue is the truth; with others, the store's (by hand-off
      // time, so a requeued conversation goes back to its original place, not the front).
      if (this.#fanout.shared) await this.#reloadQueue();
      else if (updated.state === 'queued') {
        if (!waiting) {
          if (front) this.#queue.unshift(conversationId);
          else this.#queue.push(conversationId);
        }
        this.#queueTeams.set(conversationId, team);
      } else {
        this.#queue = this.#queue.filter((id) => id !== conversationId);
        this.#queueTeams.delete(conversationId);
      }
      this.#fanout.publish({ to: 'desk', event: 'queue_changed' });
      this.#announceQueue();
    }
    const shownToAgents = (state) => state === 'queued' || state === 'with_agent';
    const moved = before.state !== updated.state || before.agentId !== updated.agentId || before.teamId !== updated.teamId;
    if (moved && (shownToAgents(before.state) || shownToAgents(updated.state))) {
      // A conversation moved to another team leaves the consoles that saw it before.
      if (!shownToAgents(updated.state) || this.#teams.routingTeamOf(before) === team) await this.#announceConversation(updated);
      else {
        const summary = await this.summary(conversationId);
        this.#presence.toAgents((agent) => (this.#teams.conversationVisibleTo(agent, updated) ? { type: 'conversation', conversation: summary }
          : this.#teams.conversationVisibleTo(agent, before) ? { type: 'conversation_gone', conversationId } : null));
      }
    }
    if (updated.state === 'queued' && queueChanged) this.#dispatchSoon();
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
    // A new hand-off waits for its site's team again, whatever team an earlier one went to.
    await this.changePhase(conversationId, { state: 'queued', queuedAt: now, handoffReason: reason, teamId: null });
    this.#log.info('handoff_queued', { conversationId, reason, position: this.queuePosition(conversationId) });
  }

  /** A stored visitor message (and the bot reply stored with it) reaches the agents. */
  visitorMessageStored(conversation, storedMessages) {
    if (conversation.state !== 'queued' && conversation.state !== 'with_agent') return;
    for (const message of storedMessages) this.#toConsolesOf(conversation, { type: 'msg', conversationId: conversation.id, message: this.#consoleMessage(message) });
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
    const frame = { type: 'visitor_typing', conversationId, on: entry.wanted };
    this.#store.getConversation(conversationId).then((conversation) => conversation && this.#toConsolesOf(conversation, frame), () => {});
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
    this.#toConsolesOf(conversation, { type: 'visitor_read', conversationId, upToSeq: readUpTo });
  }

  async rate(conversationId, { stars, comment }) {
    const now = this.#clock();
    const rating = await this.#store.rate(conversationId, { stars, comment, now });
    const conversation = await this.changePhase(conversationId, { state: 'rated', rating: { stars, comment: comment ?? '' } });
    if (conversation) this.#toConsolesOf(conversation, { type: 'rating', rating: { ...rating, siteId: conversation.siteId, agentName: conversation.agentName ?? null } });
    this.#log.info('conversation_rated', { conversationId, stars });
  }

  ticketCreated(ticket) {
    this.#presence.toAgents((agent) => (this.#teams.siteVisibleTo(agent, ticket.siteId) ? { type: 'ticket', ticket } : null));
  }

  // ---- agents coming and going, their state and limits ---------------------------

  /** A console of this account logged in (`account`: id, displayName, role, teamIds, maxChats). */
  agentConnected(account) {
    clearTimeout(this.#departures.get(account.id));
    this.#departures.delete(account.id);
    const known = this.#agents.get(account.id);
    // Away on a console on another instance: away here too (the state is the account's).
    const elsewhere = this.#presence.agents().find((agent) => agent.id === account.id && agent.status);
    const agent = {
      id: account.id, name: account.displayName, role: account.role, teamIds: account.teamIds ?? [],
      maxChats: account.maxChats ?? this.#config.agentMaxChats, status: known?.status ?? elsewhere?.status ?? 'online',
      consoles: (known?.consoles ?? 0) + 1, lastAssignedAt: known?.lastAssignedAt ?? 0,
    };
    this.#agents.set(account.id, agent);
    this.#presence.setAgentState(account.id, { status: agent.status, maxChats: agent.maxChats });
    this.#dispatchSoon();
    this.#announceAgents();
  }

  /**
   * One of the agent's consoles closed. When it was the last, a reload or a network blip
   * comes back within `agentReconnectGraceSeconds`; after that their visitors go back to
   * the front of the queue (they keep their original hand-off time) rather than wait for
   * nobody. Meanwhile they take no new conversations.
   */
  agentDisconnected(agentId) {
    const agent = this.#agents.get(agentId);
    if (!agent) return;
    agent.consoles -= 1;
    if (agent.consoles > 0) return;
    this.#agents.delete(agentId);
    this.#announceAgents();
    clearTimeout(this.#departures.get(agentId));
    const timer = setTimeout(() => {
      this.#departures.delete(agentId);
      this.#requeueConversationsOf(agentId).catch((error) => this.#log.error('requeue_failed', { agentId, error: error.message }));
    }, this.#config.agentReconnectGraceSeconds * 1000);
    timer.unref();
    this.#departures.set(agentId, timer);
  }

  /** online: takes new conversations; away: keeps the ones held, takes no new ones. */
  setStatus(agentId, status) {
    const agent = this.#agents.get(agentId);
    if (!agent || !AGENT_STATES.includes(status)) return { error: 'status_invalid' };
    agent.status = status;
    this.#presence.setAgentState(agentId, { status, maxChats: agent.maxChats });
    this.#fanout.publish({ to: 'desk', event: 'status', agentId, status });
    this.#log.info('agent_status', { agentId, status });
    this.#announceAgents();
    if (status === 'online') this.#dispatchSoon();
    return { ok: true, status };
  }

  // The account set its state on a console on another instance: its consoles here follow.
  #statusSetElsewhere(agentId, status) {
    const agent = this.#agents.get(agentId);
    if (!agent || !AGENT_STATES.includes(status)) return;
    agent.status = status;
    this.#presence.setAgentState(agentId, { status, maxChats: agent.maxChats });
    if (status === 'online') this.#dispatchSoon();
  }

  // A logged-in agent on this instance, else on another one (as its instance announced
  // it): a transfer may go to either, the store's claim decides.
  #agentAnywhere(agentId) {
    const here = this.#agents.get(agentId);
    if (here) return here;
    const remote = this.#presence.agents().find((agent) => agent.id === agentId);
    return remote ? { ...remote, status: remote.status ?? 'online', maxChats: remote.maxChats ?? this.#config.agentMaxChats, lastAssignedAt: 0 } : null;
  }

  /**
   * The agents logged in now on any instance, with their state and load: all of them, or
   * (with `viewer`) those an account may see: an admin every one, an agent those sharing a team.
   */
  agentList(viewer = null) {
    const visible = (agent) => !viewer || viewer.role === 'admin' || agent.id === viewer.id || agent.teamIds.some((teamId) => (viewer.teamIds ?? []).includes(teamId));
    return this.#presence.agents().map((agent) => this.#agents.get(agent.id) ?? agent).filter(visible).map((agent) => ({
      id: agent.id, name: agent.name, status: agent.status ?? 'online', teamIds: agent.teamIds ?? [], active: this.#held.get(agent.id)?.size ?? 0, maxChats: agent.maxChats ?? this.#config.agentMaxChats,
    }));
  }

  // Like the queue: once per burst of changes (a dispatch round changes many loads).
  #agentsTimer = null;

  #announceAgents() {
    if (this.#agentsTimer || this.#stopped) return;
    this.#agentsTimer = setImmediate(() => {
      this.#agentsTimer = null;
      this.#presence.toAgents((viewer) => {
        const agents = this.agentList(viewer);
        return { type: 'agents', names: [...new Set(agents.map((agent) => agent.name))], agents };
      });
    });
  }

  async #requeueConversationsOf(agentId) {
    // Still logged in here, or on another instance: they keep their visitors.
    if (this.#agents.has(agentId) || this.#presence.agentIds().includes(agentId)) return;
    const held = [];
    for (const conversationId of [...(this.#held.get(agentId) ?? [])]) {
      const conversation = await this.#store.getConversation(conversationId);
      if (conversation?.state === 'with_agent' && conversation.agentId === agentId) held.push(conversation);
    }
    // Back at the front, in their original hand-off order.
    for (const conversation of held.sort((a, b) => b.queuedAt - a.queuedAt)) {
      await this.changePhase(conversation.id, { state: 'queued', agentId: null, agentName: null }, { front: true });
      this.#presence.toVisitors(conversation.id, { type: 'event', event: 'agent_left', name: conversation.agentName });
      this.#log.info('agent_left_requeued', { conversationId: conversation.id, agentId });
    }
  }

  /** Stops pending timers (server shutdown). */
  stop() {
    for (const timer of this.#departures.values()) clearTimeout(timer);
    this.#departures.clear();
    for (const entry of this.#visitorTyping.values()) clearTimeout(entry.timer);
    this.#visitorTyping.clear();
    clearImmediate(this.#dispatchTimer);
    clearImmediate(this.#announceTimer);
    clearImmediate(this.#agentsTimer);
    this.#stopped = true;
  }

  // ---- assignment ------------------------------------------------------------------

  #dispatchTimer = null;
  #dispatching = null;
  #stopped = false;

  // Auto-assignment runs after the change that allows it (a hand-off, an agent free or
  // back online), once for a burst of changes.
  #dispatchSoon() {
    if (this.#dispatchTimer || this.#stopped) return;
    this.#dispatchTimer = setImmediate(() => {
      this.#dispatchTimer = null;
      this.#dispatching = (this.#dispatching ?? Promise.resolve()).then(() => this.dispatch()).catch((error) => this.#log.error('dispatch_failed', { error: error.message }));
    });
  }

  /** Whether the team's conversations are picked from the queue by hand (sites no team claims: yes). */
  #picksByHand(team) {
    return team === NO_TEAM || this.#teams.get(team)?.pickFromQueue === true;
  }

  /**
   * The agent a waiting conversation of `team` goes to now: of the online agents serving
   * the team and under their limit, the one holding fewest; on a tie, the one assigned
   * longest ago. Null when nobody can take it.
   */
  chooseAgent(team) {
    let best = null;
    for (const agent of this.#agents.values()) {
      if (agent.status !== 'online' || !this.#teams.serves(agent, team)) continue;
      const load = this.#held.get(agent.id)?.size ?? 0;
      if (load >= agent.maxChats) continue;
      const bestLoad = best ? this.#held.get(best.id)?.size ?? 0 : Infinity;
      if (load < bestLoad || (load === bestLoad && agent.lastAssignedAt < best.lastAssignedAt)) best = agent;
    }
    return best;
  }

  /**
   * Assigns waiting conversations, longest waiting first, until nobody can take the next.
   * Each claim reserves its place before its first await, so the round decides every
   * assignment at once and the store writes them together (one group commit).
   * @returns the number assigned
   */
  async dispatch() {
    const claims = [];
    const full = new Set(); // teams nobody can take more of in this round
    for (const conversationId of [...this.#queue]) {
      const team = this.#queueTeams.get(conversationId);
      if (team === undefined || full.has(team) || this.#picksByHand(team)) continue;
      const agent = this.chooseAgent(team);
      if (!agent) {
        full.add(team);
        continue;
      }
      claims.push(this.#claim(conversationId, agent, { state: 'queued' }));
    }
    return (await Promise.all(claims)).filter((outcome) => outcome.ok).length;
  }

  /**
   * The one place a conversation gets an agent: it must still be as `expected` (waiting,
   * or held by the transferring agent) and the agent under their limit. The store's claim
   * decides that atomically (across instances too); the reservation in `#held` before the
   * first await lets one dispatch round spread its claims over the agents.
   */
  async #claim(conversationId, agent, expected, { note = null } = {}) {
    const held = this.#heldBy(agent.id);
    if (held.has(conversationId)) return { error: 'already_yours' };
    if (held.size >= agent.maxChats) return { error: 'at_limit' };
    // Whether it still waits is the store's to say: this instance's queue may not have
    // heard yet of a hand-off made on another.
    held.add(conversationId); // reserved
    const now = this.#clock();
    const previousAssignedAt = agent.lastAssignedAt;
    agent.lastAssignedAt = now;
    // Its conversations taken on any instance count towards the account's limit.
    // For the reports, the team that handled it: the line it waited in, else (a site no
    // team claims) the agent's first team.
    const reportTeamOf = (record) => this.#teams.routingTeamOf(record) || agent.teamIds[0] || null;
    const claim = await this.#store.claimConversation(conversationId, { agentId: agent.id, agentName: agent.name, now, limit: agent.maxChats, expected, note, reportTeamOf });
    if (claim.error) {
      held.delete(conversationId);
      agent.lastAssignedAt = previousAssignedAt;
      return { error: claim.error === 'agent_at_limit' ? 'at_limit' : claim.error };
    }
    const { conversation } = claim;
    await this.#phaseChanged({ ...conversation, state: expected.state, agentId: expected.agentId ?? null }, conversation);
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'agent_joined', name: agent.name });
    this.#log.info('agent_assigned', { conversationId, agentId: agent.id, waitedMs: now - (conversation.queuedAt ?? now), transfer: expected.state !== 'queued' });
    this.#announceAgents();
    return { ok: true };
  }

  // ---- from an agent -----------------------------------------------------------

  /** Picked from the queue by hand: not while away, not past the limit. */
  async accept(agent, conversationId) {
    const conversation = await this.visibleConversation(agent, conversationId);
    if (!conversation) return { error: 'unknown_conversation' };
    if (conversation.state !== 'queued') return { error: 'not_waiting' };
    const live = this.#agents.get(agent.id);
    if (!live) return { error: 'not_connected' };
    if (live.status !== 'online') return { error: 'away' };
    return this.#claim(conversationId, live, { state: 'queued' });
  }

  async #assigned(agent, conversationId) {
    const conversation = await this.visibleConversation(agent, conversationId);
    if (!conversation) return { error: 'unknown_conversation' };
    if (conversation.state !== 'with_agent' || conversation.agentId !== agent.id) return { error: 'not_your_conversation' };
    return { conversation };
  }

  /**
   * Hands a conversation the agent holds to another agent (online, under their limit,
   * serving its team) or to a team (queued first in that team's line). The note goes to
   * the consoles with the conversation, never to the visitor.
   */
  async transfer(agent, conversationId, { toAgentId, toTeamId, note }) {
    const { conversation, error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    if (note !== undefined && note !== null && (typeof note !== 'string' || [...note].length > MAX_NOTE_CHARS)) return { error: 'note_invalid' };
    const now = this.#clock();
    const entry = { at: now, byId: agent.id, byName: agent.name, text: note ?? '' };
    if (typeof toAgentId === 'string') {
      const target = this.#agentAnywhere(toAgentId);
      if (!target || toAgentId === agent.id) return { error: 'agent_unavailable' };
      if (target.status !== 'online') return { error: 'agent_away' };
      if (!this.#teams.conversationVisibleTo(target, { ...conversation, agentId: null })) return { error: 'agent_not_in_team' };
      const outcome = await this.#claim(conversationId, target, { state: 'with_agent', agentId: agent.id }, { note: { ...entry, toAgentId, toName: target.name } });
      if (outcome.error) return outcome;
      this.#log.info('transferred', { conversationId, from: agent.id, toAgentId });
      return { ok: true };
    }
    if (typeof toTeamId === 'string') {
      const team = this.#teams.get(toTeamId);
      if (!team) return { error: 'unknown_team' };
      await this.changePhase(conversationId, { state: 'queued', agentId: null, agentName: null, teamId: toTeamId, notes: [...(conversation.notes ?? []), { ...entry, toTeamId, toName: team.name }] }, { front: true });
      this.#log.info('transferred', { conversationId, from: agent.id, toTeamId });
      return { ok: true };
    }
    return { error: 'transfer_target_missing' };
  }

  /** `attachment`: a file the agent uploaded to this conversation (server/http/uploads.js). */
  async agentMessage(agent, conversationId, text, attachment = null) {
    const { conversation, error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    const vouched = attachment ? await attachmentOf(this.#store, conversationId, attachment) : null;
    if (attachment && !vouched) return { error: 'attachment_not_found' };
    const now = this.#clock();
    const stored = await this.#store.appendServerMessage(conversationId, { author: 'agent', name: agent.name, agentId: agent.id, text, now, meta: vouched ? { attachment: vouched } : undefined });
    // The report's first-response time: from the hand-off to a person's first words.
    if (!conversation.firstResponseAt) await this.#store.updateConversation(conversationId, { firstResponseAt: now });
    this.#presence.toVisitors(conversationId, msgFrame(stored));
    this.#toConsolesOf(conversation, { type: 'msg', conversationId, message: this.#consoleMessage(stored) });
    return { ok: true, seq: stored.seq };
  }

  async agentTyping(agent, conversationId, on) {
    const { error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'typing', on });
    return { ok: true };
  }

  async agentRead(agent, conversationId, upToSeq) {
    const { conversation, error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    if (upToSeq <= (conversation.agentReadUpTo ?? 0)) return { ok: true };
    await this.#store.updateConversation(conversationId, { agentReadUpTo: Math.min(upToSeq, conversation.lastSeq) });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'read', upToSeq: Math.min(upToSeq, conversation.lastSeq) });
    return { ok: true };
  }

  async end(agent, conversationId) {
    const now = this.#clock();
    const { conversation, error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    await this.changePhase(conversationId, { state: 'ended', endedAt: now });
    this.#handled((now - conversation.acceptedAt) / 1000);
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'typing', on: false });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'ended', by: 'agent' });
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'rating_requested' });
    this.#log.info('conversation_ended', { conversationId, agentId: agent.id, handledMs: now - conversation.acceptedAt });
    this.#freed();
    return { ok: true };
  }

  async transferToBot(agent, conversationId) {
    const now = this.#clock();
    const { conversation, error } = await this.#assigned(agent, conversationId);
    if (error) return { error };
    await this.changePhase(conversationId, { state: 'bot', endedAt: now });
    this.#handled((now - conversation.acceptedAt) / 1000);
    this.#presence.toVisitors(conversationId, { type: 'event', event: 'returned_to_bot' });
    this.#log.info('returned_to_bot', { conversationId, agentId: agent.id });
    this.#freed();
    return { ok: true };
  }

  /**
   * An agent's reply to a ticket: a message in the ticket's conversation, which the
   * visitor's widget receives now if open, or in its resync the next time it opens.
   */
  async ticketReply(agent, ticket, text) {
    if (!ticket.conversationId || !(await this.#store.getConversation(ticket.conversationId))) return { error: 'no_conversation' };
    const stored = await this.#store.appendServerMessage(ticket.conversationId, { author: 'agent', name: agent.name, agentId: agent.id, text, now: this.#clock() });
    this.#presence.toVisitors(ticket.conversationId, msgFrame(stored));
    return { ok: true, seq: stored.seq };
  }

  // The ETA's handling times are every instance's: each records the ones it hears of.
  #handled(seconds) {
    this.#handlingTimes.record(seconds);
    this.#fanout.publish({ to: 'desk', event: 'handled', seconds });
  }

  // An agent has room for one more: the queue may move, and the consoles see the load.
  #freed() {
    this.#announceAgents();
    this.#dispatchSoon();
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
    if (stored.agentId) message.agentId = stored.agentId;
    return message;
  }
}
