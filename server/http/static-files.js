// Sends files with the encoding the browser asked for and an ETag. Brotli and gzip
// copies come from the build (`<file>.br`, `<file>.gz` beside the file, written by
// scripts/bundle.mjs for the shipped assets); any other compressible file (pages, the
// knowledge bases, the console) is compressed once on first request and kept in memory
// until the file changes, so no request pays for compression twice.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// Text and wasm shrink 3-4x; images are compressed already.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt']);
// Below this the headers outweigh the saving.
const MIN_COMPRESS_BYTES = 256;
// Only for files the build did not compress: quality 11 takes seconds on a megabyte,
// 9 is within a few percent of it at a tenth of the time.
const RUNTIME_BROTLI_QUALITY = 9;

/** The encoding to send: brotli, then gzip, else none; `q=0` refuses one. */
export function chooseEncoding(acceptEncoding) {
  const accepted = new Map();
  for (const part of String(acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const allows = (name) => (accepted.has(name) ? accepted.get(name) > 0 : accepted.has('*') && accepted.get('*') > 0);
  if (allows('br')) return 'br';
  if (allows('gzip')) return 'gzip';
  return 'identity';
}

function etagOf(bytes, encoding) {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}${encoding === 'identity' ? '' : `-${encoding}`}"`;
}

export function ifNoneMatchHas(header, etag) {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

async function precompressed(path, suffix, sourceMtimeMs) {
  try {
    const info = await stat(`${path}${suffix}`);
    // A copy older than its source is left over from an earlier build.
    return info.mtimeMs >= sourceMtimeMs ? await readFile(`${path}${suffix}`) : null;
  } catch {
    return null;
  }
}

export class StaticFiles {
  // path -> {mtimeMs, size, variants: Map<encoding, {bytes, etag}>}; only files that
  // exist under the served folders get here, so it is bounded by the install's files.
  #entries = new Map();

  /**
   * Sends `path` (a file, not a folder) or resolves false when there is none.
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @param {string} path
   * @param {Record<string, string>} headers content type, caching, CORS, CSP
   */
  async send(request, response, path, headers) {
    let info;
    try {
      info = await stat(path);
    } catch {
      return false;
    }
    if (!info.isFile()) return false;
    const compressible = COMPRESSIBLE.has(extname(path)) && info.size >= MIN_COMPRESS_BYTES;
    const encoding = compressible ? chooseEncoding(request.headers['accept-encoding']) : 'identity';
    let variant;
    try {
      variant = await this.#variant(path, info, encoding);
    } catch {
      return false; // removed between stat and read
    }
    const out = { ...headers, etag: variant.etag };
    if (compressible) out.vary = 'Accept-Encoding';
    if (encoding !== 'identity') out['content-encoding'] = encoding;
    const notModified = ifNoneMatchHas(request.headers['if-none-match'], variant.etag);
    if (!notModified) out['content-length'] = String(variant.bytes.length);
    // setHeader rather than writeHead's object, so what was sent can be read back.
    for (const [name, value] of Object.entries(out)) response.setHeader(name, value);
    if (notModified) {
      response.writeHead(304).end();
      return true;
    }
    response.writeHead(200);
    response.end(request.method === 'HEAD' ? undefined : variant.bytes);
    return true;
  }

  async #variant(path, info, encoding) {
    let entry = this.#entries.get(path);
    if (!entry || entry.mtimeMs !== info.mtimeMs || entry.size !== info.size) {
      entry = { mtimeMs: info.mtimeMs, size: info.size, variants: new Map() };
      this.#entries.set(path, entry);
    }
    if (!entry.variants.has(encoding)) {
      // The promise is kept, so requests arriving during the compression share it.
      const pending = this.#encode(path, info, encoding);
      pending.catch(() => entry.variants.delete(encoding));
      entry.variants.set(encoding, pending);
    }
    return entry.variants.get(encoding);
  }

  async #encode(path, info, encoding) {
    let bytes;
    if (encoding === 'identity') bytes = await readFile(path);
    else {
      bytes = await precompressed(path, encoding === 'br' ? '.br' : '.gz', info.mtimeMs);
      if (!bytes) {
        const source = await readFile(path);
        bytes =
          encoding === 'br'
            ? await brotliAsync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: RUNTIME_BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } })
            : await gzipAsync(source, { level: 9 });
      }
    }
    return { bytes, etag: etagOf(bytes, encoding) };
  }
}
