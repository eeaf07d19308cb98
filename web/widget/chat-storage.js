// Where the session's persistence records live between page loads: a snapshot plus
// an append-only journal, so a new message costs one small write, not a rewrite of
// the history. IndexedDB first; localStorage when IndexedDB is missing or refused
// (some private modes); memory as the last resort. A quota or security error while
// writing drops to memory and reports it once: delivery goes on, only history across
// reloads is lost, and the visitor is told so.
import { IndexedDbBackend } from './storage/indexed-db-backend.js';
import { LocalStorageBackend } from './storage/local-storage-backend.js';
import { MemoryBackend } from './storage/memory-backend.js';

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
