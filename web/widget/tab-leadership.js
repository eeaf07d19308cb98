// One tab per site holds the connection; the others mirror it. Web Locks give a
// leader that the browser itself replaces when its tab closes or crashes (the lock
// is released with the tab), so there is no lease to expire and no split brain.
// Without Web Locks (old WebViews) every tab leads on its own: delivery stays exactly
// once because the server deduplicates by cmid; only the second connection is wasted.

export class TabLeadership {
  #lockName;
  #onLead;
  #release = null;
  #abort = new AbortController();
  #leading = false;

  /**
   * @param {string} scope e.g. the site id: tabs of one site share a leader
   * @param {() => void} onLead called once when this tab becomes the leader
   */
  constructor(scope, onLead) {
    this.#lockName = `kefu-leader:${scope}`;
    this.#onLead = onLead;
  }

  get isLeader() {
    return this.#leading;
  }

  start(locks = globalThis.navigator?.locks) {
    if (!locks || typeof locks.request !== 'function') {
      this.#becomeLeader();
      return;
    }
    locks
      .request(this.#lockName, { mode: 'exclusive', signal: this.#abort.signal }, () => {
        this.#becomeLeader();
        // Holding the promise open holds the lock until stop() or the tab goes away.
        return new Promise((resolve) => {
          this.#release = resolve;
        });
      })
      .catch((error) => {
        if (error?.name !== 'AbortError') this.#becomeLeader();
      });
  }

  stop() {
    this.#abort.abort();
    this.#release?.();
    this.#release = null;
    this.#leading = false;
  }

  #becomeLeader() {
    if (this.#leading) return;
    this.#leading = true;
    this.#onLead();
  }
}
