// Records in IndexedDB: the snapshot in one store, the journal in an auto-numbered one.

const DB_VERSION = 1;
const STORE = 'records';

export class IndexedDbBackend {
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
