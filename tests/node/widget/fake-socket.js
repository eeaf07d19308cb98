// A browser-style WebSocket (onopen/onmessage/onclose, readyState) wired to a scripted
// server in the same process, so the session shell can be driven without a network.

export class FakeServer {
  sockets = [];
  received = [];
  seq = 0;
  reachable = true;
  acking = true; // false: messages vanish on the server's side, as into a dead proxy
  // {code, closeCode}: hello is answered with that error frame, then the socket is
  // closed with closeCode and the code as reason, as the real server refuses
  refusal = null;
  #nextCseq = 1;
  #cmids = new Map();

  /** The WebSocket class to hand to the code under test. */
  get Socket() {
    const server = this;
    return class FakeWebSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      constructor(url) {
        this.url = url;
        server.sockets.push(this);
        setTimeout(() => {
          if (this.readyState !== 0) return;
          if (!server.reachable) return this.#drop();
          this.readyState = 1;
          this.onopen?.();
        }, 1);
      }
      send(text) {
        if (this.readyState !== 1) throw new Error('send on a socket that is not open');
        server.receive(this, JSON.parse(text));
      }
      close() {
        this.#drop();
      }
      closeWith(code, reason) {
        this.readyState = 3;
        setTimeout(() => this.onclose?.({ code, reason }), 0);
      }
      deliver(frame) {
        if (this.readyState === 1) setTimeout(() => this.onmessage?.({ data: JSON.stringify(frame) }), 0);
      }
      #drop() {
        if (this.readyState === 3) return;
        this.readyState = 3;
        setTimeout(() => this.onclose?.({}), 0);
      }
    };
  }

  get openSockets() {
    return this.sockets.filter((socket) => socket.readyState === 1);
  }

  /** Cuts every connection, as a server restart or a dead network would. */
  dropAll() {
    for (const socket of this.sockets) socket.close();
  }

  /** Stored visitor texts, once each (the cmid deduplication a real server does). */
  get storedTexts() {
    return [...this.#cmids.values()].map((stored) => stored.text);
  }

  receive(socket, frame) {
    this.received.push(frame);
    if (frame.type === 'hello' && this.refusal) {
      socket.deliver({ type: 'error', code: this.refusal.code, message: 'refused' });
      setTimeout(() => socket.closeWith(this.refusal.closeCode, this.refusal.code), 5);
    } else if (frame.type === 'hello') {
      socket.deliver({ type: 'welcome', v: 1, sessionToken: 'token-1', conversationId: 'conv-1', lastSeq: this.seq, nextCseq: this.#nextCseq, state: 'bot', agentsOnline: true });
    } else if (frame.type === 'message') {
      if (!this.acking) return;
      if (!this.#cmids.has(frame.cmid)) {
        if (frame.cseq !== this.#nextCseq) return socket.deliver({ type: 'nack', cmid: frame.cmid, expectedCseq: this.#nextCseq });
        this.#nextCseq += 1;
        this.seq += 1;
        this.#cmids.set(frame.cmid, { text: frame.text, seq: this.seq });
      }
      const stored = this.#cmids.get(frame.cmid);
      socket.deliver({ type: 'ack', cmid: frame.cmid, cseq: frame.cseq, seq: stored.seq, serverId: `conv-1:${stored.seq}` });
    } else if (frame.type === 'ping') {
      socket.deliver({ type: 'pong', t: frame.t });
    }
  }
}
