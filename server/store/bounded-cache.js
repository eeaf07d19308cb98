// A Map that forgets its least recently written entries beyond `maxEntries`: the
// store's caches hold copies of what is on disk, so forgetting costs a read, never data.
export class BoundedCache {
  #entries = new Map();
  #maxEntries;

  constructor(maxEntries) {
    this.#maxEntries = maxEntries;
  }

  has(key) {
    return this.#entries.has(key);
  }

  get(key) {
    return this.#entries.get(key);
  }

  set(key, value) {
    this.#entries.delete(key); // re-inserted last: Map order is write order
    this.#entries.set(key, value);
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value);
    return this;
  }

  get size() {
    return this.#entries.size;
  }
}
