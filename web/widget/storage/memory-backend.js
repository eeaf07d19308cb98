// Records kept in this page only: the last resort when the browser stores nothing.
export class MemoryBackend {
  #snapshot;
  #journal;

  constructor({ snapshot = null, journal = [] } = {}) {
    this.#snapshot = snapshot;
    this.#journal = [...journal];
  }

  async load() {
    return { snapshot: this.#snapshot, journal: [...this.#journal] };
  }

  async append(records) {
    this.#journal.push(...records);
  }

  async replace(snapshot) {
    this.#snapshot = snapshot;
    this.#journal = [];
  }

  async clear() {
    this.#snapshot = null;
    this.#journal = [];
  }
}
