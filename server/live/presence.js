// Who is connected right now: the visitor sockets of each conversation (a visitor may
// have several tabs open) and the logged-in agent consoles. Frames for people go
// through here, so the routing code never touches a socket.
//
// With several instances (server/fanout/) a frame for a visitor or for the agents is
// delivered to this instance's sockets and published for the others, which deliver it
// to theirs: a visitor on one instance and an agent on another chat as on one server.
// Each instance also announces its logged-in agent names on every change and every
// `heartbeatMs`; another instance's names count until `3 × heartbeatMs` without news,
// so an instance that died stops counting its agents by itself.
export class Presence {
  #visitors = new Map(); // conversationId -> Set of {send(frame)}
  #agents = new Set(); // {send(frame), name}
  #fanout;
  #heartbeatMs;
  #remoteAgents = new Map(); // instance id -> {names, until}
  #heartbeat;
  #clock;

  constructor({ fanout, heartbeatMs = 5000, clock = Date.now }) {
    this.#fanout = fanout;
    this.#heartbeatMs = heartbeatMs;
    this.#clock = clock;
    fanout.subscribe((message) => this.#receive(message));
    this.#heartbeat = setInterval(() => this.#announceAgents(), heartbeatMs);
    this.#heartbeat.unref();
  }

  #receive(message) {
    if (message.to === 'visitors') this.#deliverToVisitors(message.conversationId, message.frame, null);
    else if (message.to === 'agents') this.#deliverToAgents(message.frame);
    else if (message.to === 'presence') this.#remoteAgents.set(message.origin, { names: message.agents, until: this.#clock() + 3 * this.#heartbeatMs });
  }

  #announceAgents() {
    this.#fanout.publish({ to: 'presence', agents: this.#localAgentNames() });
  }

  addVisitor(conversationId, connection) {
    if (!this.#visitors.has(conversationId)) this.#visitors.set(conversationId, new Set());
    this.#visitors.get(conversationId).add(connection);
  }

  removeVisitor(conversationId, connection) {
    const connections = this.#visitors.get(conversationId);
    if (!connections) return;
    connections.delete(connection);
    if (connections.size === 0) this.#visitors.delete(conversationId);
  }

  /** A visitor tab of this conversation is connected to this instance. */
  isVisitorOnline(conversationId) {
    return this.#visitors.has(conversationId);
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
    this.#announceAgents();
  }

  #localAgentNames() {
    return [...new Set([...this.#agents].map((agent) => agent.name))];
  }

  /** Distinct agent names logged in on any instance (one agent may have two consoles open). */
  agentNames() {
    const now = this.#clock();
    const names = new Set(this.#localAgentNames());
    for (const [instance, remote] of this.#remoteAgents) {
      if (remote.until < now) this.#remoteAgents.delete(instance);
      else for (const name of remote.names) names.add(name);
    }
    return [...names];
  }

  /** Sends to every agent console on every instance. */
  toAgents(frame) {
    this.#deliverToAgents(frame);
    this.#fanout.publish({ to: 'agents', frame });
  }

  /** Sends to the agent consoles connected to this instance only. */
  toAgentsHere(frame) {
    this.#deliverToAgents(frame);
  }

  #deliverToAgents(frame) {
    for (const agent of this.#agents) agent.send(frame);
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
