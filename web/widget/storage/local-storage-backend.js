// Records in localStorage, one key per journal record so an append is one small write.
export class LocalStorageBackend {
  #storage;
  #prefix;

  static works(storage) {
    try {
      storage.setItem('kefu:probe', '1');
      storage.removeItem('kefu:probe');
      return true;
    } catch {
      return false;
    }
  }

  constructor(storage, prefix) {
    this.#storage = storage;
    this.#prefix = prefix;
  }

  async load() {
    const snapshot = this.#storage.getItem(`${this.#prefix}:snapshot`);
    const count = Number(this.#storage.getItem(`${this.#prefix}:journal-length`) ?? 0);
    const journal = [];
    for (let i = 0; i < count; i += 1) {
      const record = this.#storage.getItem(`${this.#prefix}:journal:${i}`);
      if (record === null) break; // a torn write: what follows it cannot be trusted
      journal.push(record);
    }
    return { snapshot, journal };
  }

  async append(records) {
    let count = Number(this.#storage.getItem(`${this.#prefix}:journal-length`) ?? 0);
    for (const record of records) {
      // The record is written before the length that makes it visible.
      this.#storage.setItem(`${this.#prefix}:journal:${count}`, record);
      count += 1;
      this.#storage.setItem(`${this.#prefix}:journal-length`, String(count));
    }
  }

  async replace(snapshot) {
    const count = Number(this.#storage.getItem(`${this.#prefix}:journal-length`) ?? 0);
    this.#storage.setItem(`${this.#prefix}:snapshot`, snapshot);
    this.#storage.setItem(`${this.#prefix}:journal-length`, '0');
    for (let i = 0; i < count; i += 1) this.#storage.removeItem(`${this.#prefix}:journal:${i}`);
  }

  async clear() {
    await this.replace('');
    this.#storage.removeItem(`${this.#prefix}:snapshot`);
  }
}
