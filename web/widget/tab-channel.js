// Messages between the tabs of one site: the leader publishes what the core told it
// (new messages, state changes); followers publish what their visitor typed so the
// leader's core sends it. BroadcastChannel does not echo to the sender.

export class TabChannel {
  #channel;
  #listeners = new Set();

  constructor(scope, Channel = globalThis.BroadcastChannel) {
    if (typeof Channel !== 'function') return; // a lone tab needs no channel
    this.#channel = new Channel(`kefu-tabs:${scope}`);
    this.#channel.onmessage = (event) => {
      const message = event.data;
      if (!message || typeof message.type !== 'string') return;
      for (const listener of this.#listeners) listener(message);
    };
  }

  get available() {
    return Boolean(this.#channel);
  }

  publish(type, payload) {
    this.#channel?.postMessage({ type, payload });
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close() {
    this.#listeners.clear();
    this.#channel?.close();
    this.#channel = undefined;
  }
}
