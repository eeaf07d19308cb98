// Who is connected right now: the visitor sockets of each conversation (a visitor may
// have several tabs open) and the logged-in agent consoles. Frames for people go
// through here, so the routing code never touches a socket.
//
// With several instances (server/fanout/) a frame for a visitor or for the agents is
// delivered to this instance's sockets and published for the others, which deliver it
// to theirs: a visitor on one instance and an agent on another chat as on one server.
// Each instance also announces its logged-in consoles' accounts (id, name, role, teamIds:
// what the team wall needs, no secrets; with the desk's status and maxChats, so every
// console's agent list is the same) and its connected visitors' conversations, on every
// change and every `heartbeatMs`; another instance's accounts and visitors count until
// `3 × heartbeatMs` without news, so an instance that died stops counting them by itself. Frames for agents are decided per account
// (`toAgents(frameFor)`): a function cannot cross instances, so the sending instance
// computes the frame of every remote account too and publishes each frame with the
// account ids it is for.
export class Presence {
  #visitors = new Map(); // conversationId -> Set of {send(frame)}
  #agents = new Set(); // {send(frame), account}
  #fanout;
  #heartbeatMs;
  #remoteAgents = new Map(); // instance id -> {accounts, until}
  #agentStates = new Map(); // account id -> {status, maxChats} of this instance's logged-in accounts (the desk's)
  #remoteVisitors = new Map(); // instance id -> {conversationIds: Set, until}
  #heartbeat;
  #clock;

  constructor({ fanout, heartbeatMs = 5000, clock = Date.now }) {
    this.#fanout = fanout;
    this.#heartbeatMs = heartbeatMs;
    this.#clock = clock;
    fanout.subscribe((message) => this.#receive(message));
    this.#heartbeat = setInterval(() => this.#heartbeatTick(), heartbeatMs);
    this.#heartbeat.unref();
  }

  #receive(message) {
    if (message.to === 'visitors') this.#deliverToVisitors(message.conversationId, message.frame, null);
    else if (message.to === 'agents') this.#deliverToAccounts(message.frames);
    else if (message.to === 'presence') this.#remoteAgents.set(message.origin, { accounts: message.accounts, until: this.#expiry() });
    else if (message.to === 'visitors_online') this.#remoteVisitors.set(message.origin, { conversationIds: new Set(message.conversationIds), until: this.#expiry() });
    else if (message.to === 'visitor_online') this.#visitorOnlineElsewhere(message);
  }

  #expiry() {
    return this.#clock() + 3 * this.#heartbeatMs;
  }

  // One visitor's conversation came or went on another instance, between its heartbeats.
  #visitorOnlineElsewhere({ origin, conversationId, online }) {
    if (!this.#remoteVisitors.has(origin)) this.#remoteVisitors.set(origin, { conversationIds: new Set(), until: this.#expiry() });
    const { conversationIds } = this.#remoteVisitors.get(origin);
    if (online) conversationIds.add(conversationId);
    else conversationIds.delete(conversationId);
  }

  #announceAgents() {
    this.#fanout.publish({ to: 'presence', accounts: this.#localAccounts() });
  }

  #heartbeatTick() {
    this.#announceAgents();
    if (this.#fanout.shared) this.#fanout.publish({ to: 'visitors_online', conversationIds: [...this.#visitors.keys()] });
  }

  addVisitor(conversationId, connection) {
    if (!this.#visitors.has(conversationId)) {
      this.#visitors.set(conversationId, new Set());
      this.#fanout.publish({ to: 'visitor_online', conversationId, online: true });
    }
    this.#visitors.get(conversationId).add(connection);
  }

  removeVisitor(conversationId, connection) {
    const connections = this.#visitors.get(conversationId);
    if (!connections) return;
    connections.delete(connection);
    if (connections.size === 0) {
      this.#visitors.delete(conversationId);
      this.#fanout.publish({ to: 'visitor_online', conversationId, online: false });
    }
  }

  /** A visitor tab of this conversation is connected to this instance or to another one. */
  isVisitorOnline(conversationId) {
    if (this.#visitors.has(conversationId)) return true;
    const now = this.#clock();
    for (const [instance, remote] of this.#remoteVisitors) {
      if (remote.until < now) this.#remoteVisitors.delete(instance);
      else if (remote.conversationIds.has(conversationId)) return true;
    }
    return false;
  }

  /** Sends to every tab of the conversation, on every instance, except `except` (the one that already knows). */
  toVisitors(conversationId, frame, except = null) {
    this.#deliverToVisitors(conversationId, frame, except);
    this.#fanout.publish({ to: 'visitors', conversationId, frame });
  }

  /** Sends to the conversation's tabs connected to this instance only. */
  toVisitorsHere(conversationId, frame) {
    this.#deliverToVisitors(conversationId, frame, null);
  }

  #deliverToVisitors(conversationId, frame, except) {
    for (const connection of this.#visitors.get(conversationId) ?? []) {
      if (connection !== except) connection.send(frame);
    }
  }

  addAgent(connection) {
    this.#agents.add(connection);
    this.#announceAgents();
  }

  removeAgent(connection) {
    this.#agents.delete(connection);
    if (![...this.#agents].some((agent) => agent.account.id === connection.account.id)) this.#agentStates.delete(connection.account.id);
    this.#announceAgents();
  }

  /** The desk's view of a logged-in account here ({status, maxChats}), announced to the other instances. */
  setAgentState(accountId, state) {
    this.#agentStates.set(accountId, state);
    this.#announceAgents();
  }

  // One entry per account (one agent may have two consoles open).
  #localAccounts() {
    const accounts = new Map();
    for (const { account } of this.#agents) {
      accounts.set(account.id, { id: account.id, name: account.name, role: account.role, teamIds: account.teamIds ?? [], ...this.#agentStates.get(account.id) });
    }
    return [...accounts.values()];
  }

  // The accounts logged in on other instances and still heard from.
  #remoteAccounts() {
    const now = this.#clock();
    const accounts = [];
    for (const [instance, remote] of this.#remoteAgents) {
      if (remote.until < now) this.#remoteAgents.delete(instance);
      else accounts.push(...remote.accounts);
    }
    return accounts;
  }

  #allAccounts() {
    const accounts = new Map();
    for (const account of [...this.#localAccounts(), ...this.#remoteAccounts()]) accounts.set(account.id, account);
    return [...accounts.values()];
  }

  /** Distinct account ids logged in on any instance. */
  agentIds() {
    return this.#allAccounts().map((account) => account.id);
  }

  /**
   * The accounts logged in on any instance, one entry each: {id, name, role, teamIds}
   * and, once the desk has set them, {status, maxChats}.
   */
  agents() {
    return this.#allAccounts();
  }

  /**
   * `frameFor(account)` says what each console gets, on every instance: a frame, or null
   * for nothing. The routing code decides per account (the team wall) without touching
   * a socket.
   */
  toAgents(frameFor) {
    this.toAgentsHere(frameFor);
    const remote = this.#remoteAccounts();
    if (remote.length === 0) return;
    // Accounts that get the same frame share one entry: a frame for all is sent once.
    const byFrame = new Map(); // JSON of the frame -> {frame, accountIds}
    for (const account of remote) {
      const frame = frameFor(account);
      if (!frame) continue;
      const key = JSON.stringify(frame);
      if (!byFrame.has(key)) byFrame.set(key, { frame, accountIds: [] });
      byFrame.get(key).accountIds.push(account.id);
    }
    if (byFrame.size > 0) this.#fanout.publish({ to: 'agents', frames: [...byFrame.values()] });
  }

  /** Like toAgents, for the agent consoles connected to this instance only. */
  toAgentsHere(frameFor) {
    for (const agent of this.#agents) {
      const frame = frameFor(agent.account);
      if (frame) agent.send(frame);
    }
  }

  #deliverToAccounts(frames) {
    for (const { frame, accountIds } of frames) {
      const wanted = new Set(accountIds);
      for (const agent of this.#agents) if (wanted.has(agent.account.id)) agent.send(frame);
    }
  }

  /**
   * Closes every socket on this instance (1012, "service restart"), after the fan-out
   * lost messages: visitors and consoles reconnect and catch up from the store (resync,
   * the console's `ready`), which the lost live frames cannot give them.
   */
  reconnectEveryone() {
    for (const connections of this.#visitors.values()) for (const connection of connections) connection.restart();
    for (const agent of this.#agents) agent.restart();
  }

  dispose() {
    clearInterval(this.#heartbeat);
  }
}
