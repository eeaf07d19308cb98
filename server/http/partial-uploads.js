// Uploads that resume (docs/server.md, "Attachments"): the bytes of a file on its way are
// written to a file in the data folder as they arrive, so an upload cut off by a reload
// or a lost line keeps what came; the widget asks how much that is and sends the rest.
// Keyed by the conversation and the client's upload id: one conversation cannot add to
// another's. A file is whole once it reaches the length announced with its first bytes;
// its type is then checked on all of it (uploads.js). Kept on this instance's disk: a
// resume that reaches another instance starts again from the first byte.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

// An upload left this long (the visitor never came back) is removed.
const ABANDONED_MS = 24 * 3600_000;

export class PartialUploads {
  #folder;
  #writing = new Map(); // key -> the write under way, so an offset is asked only once it settled
  #lastSweep = 0;

  /** @param {string} folder where the partial files are kept (created on first use) */
  constructor(folder) {
    this.#folder = folder;
  }

  /** The bytes kept so far for this upload (0: none), once a write still under way has settled. */
  async offset(conversationId, uploadId) {
    const key = keyOf(conversationId, uploadId);
    await this.#writing.get(key);
    return sizeOf(join(this.#folder, key));
  }

  /**
   * Appends the request's body at `offset`, which must be what is kept already.
   * @returns {Promise<{status: 'mismatch', offset: number} | {status: 'partial', offset: number} |
   *   {status: 'complete', bytes: Buffer} | {status: 'too_long'}>} complete: the whole file
   *   (the partial file is removed); partial: the body ended (or was cut off) short of `length`
   */
  async append(conversationId, uploadId, request, { offset, length }) {
    const key = keyOf(conversationId, uploadId);
    const path = join(this.#folder, key);
    await this.#writing.get(key);
    const kept = await sizeOf(path);
    if (kept !== offset) return { status: 'mismatch', offset: kept };
    await mkdir(this.#folder, { recursive: true });
    if (offset === 0) this.#sweep();
    const write = writeBody(request, path, length - offset);
    this.#writing.set(key, write.then(() => {}, () => {}));
    const outcome = await write.finally(() => this.#writing.delete(key));
    if (outcome === 'too_long') {
      await rm(path, { force: true });
      return { status: 'too_long' };
    }
    const size = await sizeOf(path);
    if (size < length) return { status: 'partial', offset: size };
    const bytes = await readFile(path);
    await rm(path, { force: true });
    return { status: 'complete', bytes };
  }

  // Removes what visitors left behind, at most once an hour, without holding anyone up.
  #sweep() {
    const now = Date.now();
    if (now - this.#lastSweep < 3600_000) return;
    this.#lastSweep = now;
    (async () => {
      for (const name of await readdir(this.#folder)) {
        const path = join(this.#folder, name);
        const info = await stat(path).catch(() => null);
        if (info && now - info.mtimeMs > ABANDONED_MS && !this.#writing.has(name)) await rm(path, { force: true });
      }
    })().catch(() => {});
  }
}

function keyOf(conversationId, uploadId) {
  return createHash('sha256').update(`${conversationId}\0${uploadId}`).digest('hex').slice(0, 40);
}

async function sizeOf(path) {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

// Appends the body to `path` as it arrives; resolves 'done' when the body ended or was cut
// off (what came is kept), 'too_long' when it ran past `room` bytes.
function writeBody(request, path, room) {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(path, { flags: 'a' });
    let received = 0;
    let outcome = 'done';
    const finish = () => {
      request.unpipe(file);
      if (!file.writableEnded) file.end();
    };
    request.on('data', (chunk) => {
      received += chunk.length;
      if (received > room) {
        outcome = 'too_long';
        request.removeAllListeners('data');
        finish();
      }
    });
    request.on('aborted', finish);
    request.on('error', finish);
    request.on('close', finish);
    file.on('close', () => resolve(outcome));
    file.on('error', reject);
    request.pipe(file);
  });
}
