// Where the session's persistence records live between page loads: a snapshot plus
// an append-only journal, so a new message costs one small write, not a rewrite of
// the history. IndexedDB first; localStorage when IndexedDB is missing or refused
// (some private modes); memory as the last resort. A quota or security error while
// writing drops to memory and reports it once: delivery goes on, only history across
// reloads is lost, and the visitor is told so.

const DB_VERSION = 1;
const STORE = 'records';

export class ChatStorage {
  /** @type {'indexeddb'|'localstorage'|'memory'} */
  kind;
  #backend;
  #onDegraded;
  #degraded = false;

  constructor(kind, backend, onDegraded) {
    this.kind = kind;
    this.#backend = backend;
    this.#onDegraded = onDegraded;
  }

  /**
   * @param {string} scope site id (+ visitor) the records belong to
   * @param {{onDegraded?: (reason: string) => void, indexedDB?: IDBFactory|null, localStorage?: Storage|null}} [options]
   */
  static async open(scope, options = {}) {
    const onDegraded = options.onDegraded ?? (() => {});
    const idb = 'indexedDB' in options ? options.indexedDB : globalThis.indexedDB;
    if (idb) {
      try {
        return new ChatStorage('indexeddb', await IndexedDbBackend.open(idb, `kefu:${scope}`), onDegraded);
      } catch {
        // fall through to localStorage
      }
    }
    const local = 'localStorage' in options ? options.localStorage : safeLocalStorage();
    if (local && LocalStorageBackend.works(local)) {
      return new ChatStorage('localstorage', new LocalStorageBackend(local, `kefu:${scope}`), onDegraded);
    }
    onDegraded('unavailable');
    return new ChatStorage('memory', new MemoryBackend(), onDegraded);
  }

  get durable() {
    return this.kind !== 'memory';
  }

  /** @returns {Promise<{snapshot: string|null, journal: string[]}>} */
  load() {
    return this.#backend.load();
  }

  /** Adds journal records (strings, in order). */
  append(records) {
    return this.#guard(() => this.#backend.append(records));
  }

  /** Compaction: a new snapshot replaces the old one and the whole journal. */
  replace(snapshot) {
    return this.#guard(() => this.#backend.replace(snapshot));
  }

  clear() {
    return this.#guard(() => this.#backend.clear());
  }

  async #guard(write) {
    try {
      await write();
    } catch (error) {
      if (this.#degraded) throw error;
      // Keep what we had so the session continues, in memory, from the same records.
      const kept = await this.#backend.load().catch(() => ({ snapshot: null, journal: [] }));
      this.#degraded = true;
      this.#backend = new MemoryBackend(kept);
      this.kind = 'memory';
      this.#onDegraded(error?.name === 'QuotaExceededError' ? 'quota' : 'write_failed');
      await write();
    }
  }
}

function safeLocalStorage() {
  try {
    return globalThis.localStorage ?? null; // the getter itself throws in some sandboxed iframes
  } catch {
    return null;
  }
}

class MemoryBackend {
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

class LocalStorageBackend {
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

class IndexedDbBackend {
  #db;

  static open(factory, name) {
    return new Promise((resolve, reject) => {
      const request = factory.open(name, DB_VERSION);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: 'key' });
        request.result.createObjectStore('journal', { autoIncrement: true });
      };
      request.onsuccess = () => resolve(new IndexedDbBackend(request.result));
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('blocked'));
    });
  }

  constructor(db) {
    this.#db = db;
  }

  #transaction(stores, mode, body) {
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(stores, mode);
      let result;
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('aborted'));
      body(tx, (value) => {
        result = value;
      });
    });
  }

  load() {
    return this.#transaction([STORE, 'journal'], 'readonly', (tx, done) => {
      const loaded = { snapshot: null, journal: [] };
      tx.objectStore(STORE).get('snapshot').onsuccess = (event) => {
        loaded.snapshot = event.target.result?.value ?? null;
      };
      tx.objectStore('journal').getAll().onsuccess = (event) => {
        loaded.journal = event.target.result;
      };
      done(loaded);
    });
  }

  append(records) {
    return this.#transaction(['journal'], 'readwrite', (tx) => {
      const journal = tx.objectStore('journal');
      for (const record of records) journal.add(record);
    });
  }

  replace(snapshot) {
    // One transaction: a crash leaves either the old snapshot + journal or the new snapshot alone.
    return this.#transaction([STORE, 'journal'], 'readwrite', (tx) => {
      tx.objectStore(STORE).put({ key: 'snapshot', value: snapshot });
      tx.objectStore('journal').clear();
    });
  }

  clear() {
    return this.#transaction([STORE, 'journal'], 'readwrite', (tx) => {
      tx.objectStore(STORE).clear();
      tx.objectStore('journal').clear();
    });
  }
}
