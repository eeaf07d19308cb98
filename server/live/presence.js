// Who is connected right now: the visitor sockets of each conversation (a visitor may
// have several tabs open) and the logged-in agent consoles. Frames for people go
// through here, so the routing code never touches a socket.
export class Presence {
  #visitors = new Map(); // conversationId -> Set of {send(frame)}
  #agents = new Set(); // {send(frame), account}

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

  isVisitorOnline(conversationId) {
    return this.#visitors.has(conversationId);
  }

  /** Sends to every tab of the conversation except `except` (the one that already knows). */
  toVisitors(conversationId, frame, except = null) {
    for (const connection of this.#visitors.get(conversationId) ?? []) {
      if (connection !== except) connection.send(frame);
    }
  }

  addAgent(connection) {
    this.#agents.add(connection);
  }

  removeAgent(connection) {
    this.#agents.delete(connection);
  }

  /** Distinct agent names logged in (one agent may have two consoles open). */
  agentNames() {
    return [...new Set([...this.#agents].map((agent) => agent.account.name))];
  }

  /** Distinct account ids logged in. */
  agentIds() {
    return [...new Set([...this.#agents].map((agent) => agent.account.id))];
  }

  /**
   * `frameFor(account)` says what each console gets: a frame, or null for nothing. The
   * routing code decides per account (the team wall) without touching a socket.
   */
  toAgents(frameFor) {
    for (const agent of this.#agents) {
      const frame = frameFor(agent.account);
      if (frame) agent.send(frame);
    }
  }
}
