// One simulated visitor: the real wasm ChatSession (as the widget runs it) with a
// shell that carries out its effects over a real `ws` WebSocket and real timers.
// It records when each message was handed to the session and when its ack came back.
// With several server instances (`urls`) each connection goes to the next one in turn,
// starting at `home`, as a load balancer would send a reconnecting visitor.
import WebSocket from 'ws';

export class SimulatedVisitor {
  #session;
  #urls;
  #next;
  #origin;
  #socket = null;
  #timer = null;
  #onWelcome;
  conversationId = null;
  sentAt = new Map(); // cmid -> ms when send_text produced it
  ackedAt = new Map(); // cmid -> ms of its first ack
  errors = 0;
  queued = false; // the server said the conversation waits for an agent
  onQueued = null; // called once, when it does

  constructor(session, { urls, home = 0, origin, onWelcome }) {
    this.#session = session;
    this.#urls = urls;
    this.#next = home;
    this.#origin = origin;
    this.#onWelcome = onWelcome;
  }

  start(seed) {
    this.#apply(this.#session.startFresh({ seed, now: Date.now() }));
    // A fresh session waits for the shell to connect; the widget does this on open.
    this.#connect();
  }

  sendText(text) {
    const now = Date.now();
    // Handed to the session is sent, socket up or not: a message typed while reconnecting
    // waits in the session's outbox (its `persist` entry) and goes out after.
    for (const effect of this.#apply(this.#session.handle({ type: 'send_text', text, now }))) {
      if (effect.type !== 'persist') continue;
      for (const entry of effect.append ?? []) {
        const { k, cmid } = JSON.parse(entry);
        if (k === 'out' && !this.sentAt.has(cmid)) this.sentAt.set(cmid, now);
      }
    }
  }

  #connect() {
    if (this.#socket) return;
    const socket = new WebSocket(this.#urls[this.#next % this.#urls.length], { origin: this.#origin });
    this.#next += 1;
    this.#socket = socket;
    socket.on('open', () => this.#apply(this.#session.handle({ type: 'connected', now: Date.now() })));
    socket.on('message', (data) => this.#onFrame(data.toString('utf8')));
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#apply(this.#session.handle({ type: 'disconnected', now: Date.now() }));
    });
    socket.on('error', () => {}); // a close follows; the session reconnects with backoff
  }

  /** Asks for a person, as the widget's button does. */
  requestHandoff() {
    this.#apply(this.#session.handle({ type: 'request_handoff', now: Date.now() }));
  }

  #onFrame(text) {
    const now = Date.now();
    if (!this.queued && text.startsWith('{"type":"event","event":"queued"')) {
      this.queued = true;
      this.onQueued?.(this);
    }
    // The shell only peeks at acks and welcome for the measurement; the session decides.
    if (text.startsWith('{"type":"ack"')) {
      const { cmid } = JSON.parse(text);
      if (!this.ackedAt.has(cmid)) this.ackedAt.set(cmid, now);
    }
    const welcome = text.startsWith('{"type":"welcome"');
    try {
      this.#apply(this.#session.handle({ type: 'frame', text, now }));
    } catch (e) {
      if (process.env.DEBUG_SIM) console.error('REJECT', text.slice(0, 200), e.message);
      this.errors += 1;
    }
    if (welcome) {
      this.conversationId = JSON.parse(text).conversationId;
      this.#onWelcome?.(this);
    }
  }

  #apply(effects) {
    for (const effect of effects) {
      if (effect.type === 'send') {
        if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(effect.frame));
      } else if (effect.type === 'connect') {
        this.#connect();
      } else if (effect.type === 'disconnect') {
        const socket = this.#socket;
        this.#socket = null;
        socket?.terminate();
      } else if (effect.type === 'wake') {
        clearTimeout(this.#timer);
        if (effect.at > 0) {
          this.#timer = setTimeout(() => this.#apply(this.#session.handle({ type: 'timer', now: Date.now() })), Math.max(0, effect.at - Date.now()));
        }
      }
      // persist, render and notify: a browser would store and draw; the bench needs neither.
    }
    return effects;
  }

  stop() {
    clearTimeout(this.#timer);
    this.#socket?.terminate();
    this.#socket = null;
  }
}
