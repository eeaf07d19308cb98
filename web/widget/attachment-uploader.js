// The visitor's files on their way to the server (docs/embedding.md, "Attachments").
// A file is uploaded over HTTP first (POST /attachments, with the conversation's
// session token) and only then sent as a message that names it. Each file is kept in
// IndexedDB from the moment it is picked until its message is delivered, so a reload
// at any point resumes it: a file not yet whole on the server sends only the bytes the
// server does not have (it keeps what arrived under the file's upload id, and says how
// much: server/http/partial-uploads.js), and a stored one is sent again under the same
// event key, which the core applies at most once. The message therefore reaches the
// conversation exactly once.

const DB_VERSION = 1;
const STORE = 'pending';
export const ACCEPTED_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf'];
const RETRY_INITIAL_MS = 1000;
const RETRY_MAX_MS = 30_000;

export class AttachmentUploader {
  #siteId;
  #httpOrigin;
  #dispatch;
  #onProgress;
  #onRefused;
  #db = null;
  #memory = new Map(); // id -> pending record, when IndexedDB is not available
  #token = '';
  #delivered = new Set(); // attachment ids whose message the view shows as delivered
  #dispatched = new Set(); // record ids whose message this page has handed to the session
  #running = false;
  #again = false; // asked to pump while it ran: run once more
  #retryTimer = null;
  #retryDelay = RETRY_INITIAL_MS;
  #request = null;
  #limits = null;
  #disposed = false;

  /**
   * @param {{siteId: string, httpOrigin: string, dispatch: (event: object) => boolean,
   *   onProgress: (state: {name: string, percent: number}|null) => void,
   *   onRefused: (reason: {code: string, name: string, max?: number}) => void}} options
   */
  constructor({ siteId, httpOrigin, dispatch, onProgress, onRefused }) {
    this.#siteId = siteId;
    this.#httpOrigin = httpOrigin;
    this.#dispatch = dispatch;
    this.#onProgress = onProgress;
    this.#onRefused = onRefused;
  }

  /** Opens the store and resumes what a previous page left unfinished. */
  async start() {
    try {
      this.#db = await openDatabase(`kefu-uploads:${this.#siteId}`);
    } catch {
      this.#db = null; // private mode and the like: files still go, but not across a reload
    }
    this.#pump();
  }

  /** The session's view: its token authorizes uploads; delivered messages end their files' stay. */
  update(view) {
    this.#token = view.sessionToken ?? '';
    for (const message of view.messages) {
      if (message.author === 'visitor' && message.attachment && (message.delivery === 'delivered' || message.delivery === 'read')) this.#delivered.add(message.attachment.id);
    }
    this.#pump();
  }

  /** A file the visitor picked, pasted or dropped. */
  async add(file) {
    const name = file.name || 'image';
    if (!ACCEPTED_TYPES.includes(file.type)) {
      this.#onRefused({ code: file.type === 'image/svg+xml' ? 'svg_not_allowed' : 'type_not_allowed', name });
      return;
    }
    const limits = await this.#fetchLimits();
    if (limits && file.size > limits.maxBytes) {
      this.#onRefused({ code: 'too_large', name, max: limits.maxBytes });
      return;
    }
    const record = { id: randomId(), name, type: file.type, blob: file, size: file.size, ...(await imageSize(file)), attachment: null, at: Date.now() };
    await this.#put(record);
    this.#pump();
  }

  dispose() {
    this.#disposed = true;
    clearTimeout(this.#retryTimer);
    this.#request?.abort();
    this.#db?.close();
  }

  async #fetchLimits() {
    if (this.#limits) return this.#limits;
    try {
      const response = await fetch(`${this.#httpOrigin}/attachments/limits?siteId=${encodeURIComponent(this.#siteId)}`, { credentials: 'omit' });
      if (response.ok) this.#limits = await response.json();
    } catch {
      // the server says so at upload time instead (413)
    }
    return this.#limits;
  }

  // One file at a time, oldest first, so messages keep the order the files were picked in.
  async #pump() {
    if (this.#running) this.#again = true;
    if (this.#running || this.#disposed || !this.#token || this.#retryTimer) return;
    this.#running = true;
    this.#again = false;
    try {
      await this.#pass();
    } catch {
      this.#scheduleRetry(); // the browser's storage failed for now
    } finally {
      this.#running = false;
    }
    if (this.#again) this.#pump();
  }

  // One pass over the stored files; 'retry' leaves the rest for the retry timer.
  async #pass() {
    for (const record of await this.#all()) {
      if (this.#disposed) return;
      if (record.attachment && this.#delivered.has(record.attachment.id)) {
        await this.#delete(record.id);
        continue;
      }
      if (!record.attachment) {
        const outcome = await this.#upload(record);
        if (outcome === 'retry') {
          this.#scheduleRetry();
          return;
        }
        if (outcome === 'refused') continue;
      }
      if (this.#dispatched.has(record.id)) continue;
      this.#dispatched.add(record.id);
      // The same key each time: the dispatch after a reload changes nothing if the one
      // before it was stored. A refused one was shown to the visitor; the file goes.
      const accepted = this.#dispatch({ type: 'send_text', text: record.name, attachment: record.attachment, key: `upload:${record.id}` });
      if (!accepted) await this.#delete(record.id);
    }
    this.#retryDelay = RETRY_INITIAL_MS;
  }

  #scheduleRetry() {
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#pump();
    }, this.#retryDelay);
    this.#retryDelay = Math.min(this.#retryDelay * 2, RETRY_MAX_MS);
  }

  // 'sent' (the record now holds its attachment), 'refused' (dropped, the visitor told why) or 'retry'.
  async #upload(record) {
    // A 409 (the server has another part than the one asked about) is retried like a lost line: it asks again.
    const response = await this.#post(record, record.tried ? await this.#serverOffset(record) : 0);
    this.#onProgress(null);
    if (response.status === 201) {
      const { id, type, size } = response.body;
      const attachment = { id, name: record.name, type, size };
      if (record.width && record.height) Object.assign(attachment, { width: record.width, height: record.height });
      record.attachment = attachment;
      await this.#put({ ...record, blob: null }); // the server has the bytes now
      return 'sent';
    }
    if ([400, 413, 415].includes(response.status)) {
      await this.#delete(record.id);
      this.#onRefused({ code: response.body?.error?.code ?? 'failed', name: record.name, max: response.body?.error?.maxBytes });
      return 'refused';
    }
    return 'retry'; // offline, a stale token before the next welcome, rate limited, cut short, a server error
  }

  // How much of this file the server kept from an earlier try (0 when it cannot say).
  async #serverOffset(record) {
    try {
      const response = await fetch(`${this.#httpOrigin}/attachments/uploads/${record.id}`, { credentials: 'omit', headers: { authorization: `Bearer ${this.#token}` } });
      const { offset } = response.ok ? await response.json() : {};
      return Number.isSafeInteger(offset) && offset >= 0 && offset < record.size ? offset : 0;
    } catch {
      return 0;
    }
  }

  // The file from byte `offset` on, under its upload id (the record's).
  async #post(record, offset) {
    if (!record.tried) await this.#put({ ...record, tried: true }); // a reload asks the server what it has
    record.tried = true;
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      this.#request = request;
      request.open('POST', `${this.#httpOrigin}/attachments?upload=${record.id}&offset=${offset}&length=${record.size}`);
      request.setRequestHeader('authorization', `Bearer ${this.#token}`);
      request.setRequestHeader('content-type', record.type);
      request.responseType = 'json';
      const percent = (sent) => Math.floor((100 * (offset + sent)) / record.size);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) this.#onProgress({ name: record.name, percent: percent(event.loaded) });
      };
      request.onload = () => resolve({ status: request.status, body: request.response });
      request.onerror = request.onabort = request.ontimeout = () => resolve({ status: 0, body: null });
      this.#onProgress({ name: record.name, percent: percent(0) });
      request.send(record.blob.slice(offset));
    });
  }

  async #all() {
    const stored = this.#db ? await run(this.#db, 'readonly', (store) => store.getAll()) : [];
    return [...stored, ...this.#memory.values()].sort((a, b) => a.at - b.at);
  }

  // A file IndexedDB cannot take (its quota, say) is still sent, but not across a reload.
  async #put(record) {
    if (this.#db && !this.#memory.has(record.id)) {
      try {
        await run(this.#db, 'readwrite', (store) => store.put(record));
        return;
      } catch {
        // kept in memory below
      }
    }
    this.#memory.set(record.id, record);
  }

  async #delete(id) {
    if (this.#memory.delete(id) || !this.#db) return;
    await run(this.#db, 'readwrite', (store) => store.delete(id));
  }
}

function openDatabase(name) {
  return new Promise((resolve, reject) => {
    const request = globalThis.indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('blocked'));
  });
}

// Resolves once the transaction has committed (a written record is on disk by then).
function run(db, mode, body) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = body(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
}

// The picture's size, so the thread can reserve its space before the bytes arrive.
async function imageSize(file) {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return {};
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {}; // not decodable here; the server still decides by its bytes
  }
}

function randomId() {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
