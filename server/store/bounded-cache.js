// A Map that forgets its least recently written entries once their estimated size
// passes `maxBytes`: the store's caches hold copies of what is on disk, so forgetting
// costs a read, never data. Bounded in bytes, not entries, because one conversation
// record (its pre-chat fields, its identity) can be a thousand times another's.
export class BoundedCache {
  #entries = new Map(); // key -> {value, bytes}
  #maxBytes;
  #sizeOf;
  #bytes = 0;

  /**
   * @param {number} maxBytes
   * @param {(key: string, value: unknown) => number} sizeOf the entry's estimated bytes in memory
   */
  constructor(maxBytes, sizeOf) {
    this.#maxBytes = maxBytes;
    this.#sizeOf = sizeOf;
  }

  has(key) {
    return this.#entries.has(key);
  }

  get(key) {
    return this.#entries.get(key)?.value;
  }

  set(key, value) {
    this.delete(key); // re-inserted last: Map order is write order
    const bytes = this.#sizeOf(key, value);
    this.#entries.set(key, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    return this;
  }

  delete(key) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Estimated bytes held (at most maxBytes). */
  get bytes() {
    return this.#bytes;
  }

  get size() {
    return this.#entries.size;
  }
}
