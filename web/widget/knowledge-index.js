// The site's knowledge for the bot, as the bytes of its trained index (.kfi): the server
// trains it once per KB version (docs/server.md, "Knowledge bases") and serves it under
// its content hash, so a browser downloads it once and never trains it. A KB JSON (a
// host's own knowledgeBaseUrl) still works: it is trained here, then handed on as bytes.
import { FaqEngine } from '../core/faq-engine.js';
import { KefuError } from '../core/kefu-error.js';
import { answersByLocale } from '../core/kb-locale.js';

// A page must not wait for ever on a stalled download: past this the bot stays silent.
const FETCH_TIMEOUT_MS = 30_000;
// /kb/<siteId>/<version>.kfi: where the server's redirect (or welcome's kbVersion) leads.
const VERSIONED_INDEX = /\/kb\/[^/]+\/([0-9a-f]{32})\.kfi$/;
const OPEN_BRACE = 0x7b;

/**
 * @param {string} url
 * @param {Promise<object>} corePromise the core, needed only to train a KB JSON
 * @returns {Promise<{bytes: Uint8Array, version: string|null, answers?: Map<string, Record<string, string>>}>}
 *   version: the content hash the server named the bytes by (null for another URL);
 *   answers: a KB JSON's per-locale texts by FAQ id (its index keeps the default texts,
 *   as the server's does); throws a KefuError (kb_load_failed, or the core's kb_* for a
 *   KB JSON it refuses)
 */
export async function fetchKnowledgeIndex(url, corePromise) {
  let response;
  let bytes;
  try {
    response = await fetch(url, { credentials: 'omit', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (response.ok) bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new KefuError('kb_load_failed', `could not load ${url} (${error?.message ?? error}); the bot stays silent`);
  }
  if (!bytes) throw new KefuError('kb_load_failed', `could not load ${url} (HTTP ${response.status}); the bot stays silent`);
  const version = VERSIONED_INDEX.exec(new URL(response.url || url).pathname)?.[1] ?? null;
  if (firstNonSpace(bytes) !== OPEN_BRACE) return { bytes, version };
  const text = new TextDecoder().decode(bytes);
  const engine = new FaqEngine(await corePromise, text);
  try {
    return { bytes: engine.exportIndex(), version, answers: answersByLocale(JSON.parse(text)) };
  } finally {
    engine.dispose();
  }
}

function firstNonSpace(bytes) {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09 && byte !== 0xef && byte !== 0xbb && byte !== 0xbf) return byte;
  return -1;
}
