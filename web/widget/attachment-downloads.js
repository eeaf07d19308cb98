// Attachments shown in the thread. The server gives a file only to the conversation's
// parties, by the session token in a header, so an <img src> cannot fetch it: each file
// is fetched once, kept as a blob: URL for this page, and the URLs are revoked on dispose.

export class AttachmentDownloads {
  #httpOrigin;
  #token = '';
  #urls = new Map(); // attachment id -> Promise<string|null>

  /** @param {string} httpOrigin the server's origin */
  constructor(httpOrigin) {
    this.#httpOrigin = httpOrigin;
  }

  /** The session's view carries the token. */
  update(view) {
    this.#token = view.sessionToken ?? '';
  }

  /** A blob: URL of the file, or null when it cannot be had (the thread then shows its name only). */
  url(id) {
    if (!this.#urls.has(id)) {
      const loading = this.#fetch(id);
      this.#urls.set(id, loading);
      loading.then((url) => url === null && this.#urls.delete(id)); // a later redraw tries again
    }
    return this.#urls.get(id);
  }

  async #fetch(id) {
    if (!this.#token) return null;
    try {
      const response = await fetch(`${this.#httpOrigin}/attachments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${this.#token}` }, credentials: 'omit' });
      return response.ok ? URL.createObjectURL(await response.blob()) : null;
    } catch {
      return null;
    }
  }

  dispose() {
    for (const loading of this.#urls.values()) loading.then((url) => url && URL.revokeObjectURL(url));
    this.#urls.clear();
  }
}
