// Attachments over HTTP (docs/server.md, "Attachments"): images (PNG, JPEG, WebP) and
// PDFs that visitors and agents send in a conversation.
//
//   GET  /attachments/limits?siteId=<id>   the site's cap and the accepted types (public)
//   POST /attachments                      the file's bytes as the body → 201 {id, type, size}
//   POST /attachments?upload=<uploadId>&offset=<n>&length=<total>
//                                          the file from byte n on, resumable: 201 once whole,
//                                          200 {offset} when cut short, 409 {offset} when n is not
//                                          what the server has (partial-uploads.js)
//   GET  /attachments/uploads/<uploadId>   {offset}: how much of that upload the server has
//   GET  /attachments/<id>                 the bytes, to the parties of the conversation only
//
// Who asks: a visitor by `Authorization: Bearer <session token>` (the conversation is the
// token's); an agent by the console's session cookie with `?conversationId=<id>`, a
// conversation that agent's console may see. A file
// is stored under the SHA-256 of its bytes (its id) and linked to that one conversation;
// the id alone opens nothing. Its type is what its first bytes say (attachment-type.js),
// and a claimed Content-Type that disagrees is refused, as is anything else (SVG too).
import { createHash } from 'node:crypto';
import { ACCEPTED_TYPES, isImageType, sniffAttachmentType } from '../attachments/attachment-type.js';
import { isOriginAllowed } from '../security/origins.js';
import { clientAddress } from '../security/client-address.js';
import { PartialUploads } from './partial-uploads.js';

const ID = /^[0-9a-f]{64}$/;
// The client's name for a resumable upload: random, chosen when the file was picked.
const UPLOAD_ID = /^[0-9A-Za-z_-]{8,64}$/;
// Served bytes are never a document: no script, no plugin, no frame, even opened directly.
export const ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'application/pdf': 'pdf' };

class UploadRefused extends Error {
  constructor(status, code, message, extra = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

function sendJson(response, status, body, headers = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * @param {{config: object, store: object, log: object, clock: () => number, ownOrigins: () => string[],
 *   consoleConversation: (request, conversationId: string) => Promise<{agent: object|null, conversation: object|null}>,
 *   limiters: {upload: {allow: (key: string, now: number) => Promise<boolean>}, uploadIp: {allow: (key: string, now: number) => Promise<boolean>}},
 *   partialFolder: string}} services
 *   consoleConversation: the agent the request's console session belongs to, and the conversation if they may see it;
 *   limiters: the server's (shared across instances with Redis), per visitor or agent and per address;
 *   partialFolder: where resumable uploads keep their bytes until they are whole
 * @returns {(request, response, url: URL) => Promise<boolean>} true when the request was an attachment route
 */
export function createUploadRoutes({ config, store, log, clock, ownOrigins, consoleConversation, limiters, partialFolder }) {
  let inFlight = 0;
  const partials = new PartialUploads(partialFolder);

  // The widget runs on the sites' pages: those origins may call these routes (the
  // bearer token, not a cookie, is what authorizes, so CORS is only the browser's gate).
  const corsHeaders = (request) => {
    const origin = request.headers.origin;
    const allowed = typeof origin === 'string' && (ownOrigins().includes(origin) || Object.values(config.sites).some((site) => isOriginAllowed(origin, site.allowedOrigins)));
    return allowed ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
  };

  // {conversationId, siteId, who} for the request's credentials, or an UploadRefused.
  const authorize = async (request, url) => {
    const agentConversation = url.searchParams.get('conversationId');
    if (agentConversation !== null) {
      const { agent, conversation } = await consoleConversation(request, agentConversation);
      if (!agent) throw new UploadRefused(401, 'unauthorized', 'log in to the console first');
      // Not visible and missing look the same.
      if (!conversation) throw new UploadRefused(404, 'not_found', 'no such conversation');
      return { conversationId: conversation.id, siteId: conversation.siteId, who: `agent:${agent.id}` };
    }
    const match = /^Bearer (\S{1,256})$/.exec(request.headers.authorization ?? '');
    if (!match) throw new UploadRefused(401, 'unauthorized', 'send the session token as Authorization: Bearer <token>');
    const conversationId = await store.conversationIdForToken(match[1]);
    const conversation = conversationId ? await store.getConversation(conversationId) : null;
    if (!conversation) throw new UploadRefused(401, 'unauthorized', 'this session token opens no conversation');
    return { conversationId, siteId: conversation.siteId, who: `visitor:${conversationId}` };
  };

  // The body, refused as soon as it passes `maxBytes` (before it is read when
  // Content-Length says so already).
  const readBody = (request, maxBytes) => new Promise((resolve, reject) => {
    const tooLarge = () => new UploadRefused(413, 'too_large', `the file is larger than this site's limit of ${maxBytes} bytes`, { maxBytes });
    if (Number(request.headers['content-length']) > maxBytes) return reject(tooLarge());
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });

  const upload = async (request, response, url) => {
    const { conversationId, siteId, who } = await authorize(request, url);
    const now = clock();
    const ip = clientAddress(request, config.trustProxy);
    if (!(await limiters.upload.allow(who, now)) || !(await limiters.uploadIp.allow(ip, now))) {
      throw new UploadRefused(429, 'rate_limited', 'too many uploads; retry in a minute', { retryAfterMs: Math.ceil(60_000 / config.limits.uploadPerMinute) });
    }
    if (inFlight >= config.limits.uploadsInFlight) throw new UploadRefused(503, 'busy', 'the server is receiving too many files; retry shortly', { retryAfterMs: 2000 });
    const maxBytes = config.sites[siteId]?.maxAttachmentBytes ?? 0;
    const resumable = url.searchParams.get('upload');
    inFlight += 1;
    let bytes;
    try {
      if (resumable === null) bytes = await readBody(request, maxBytes);
      else bytes = await resumableBody(request, response, url, { conversationId, uploadId: resumable, maxBytes });
    } finally {
      inFlight -= 1;
    }
    if (bytes === null) return; // not whole yet: answered with the offset
    if (bytes.length === 0) throw new UploadRefused(400, 'empty', 'the file is empty');
    const sniffed = sniffAttachmentType(bytes);
    if (!sniffed) {
      const head = bytes.toString('utf8', 0, 256).trimStart().toLowerCase();
      const svg = head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
      throw new UploadRefused(415, 'type_not_allowed', svg ? 'SVG images are not accepted (they can carry scripts); send a PNG, JPEG or WebP' : 'only PNG, JPEG and WebP images and PDF files are accepted', { accepted: ACCEPTED_TYPES });
    }
    const claimed = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (claimed !== '' && claimed !== 'application/octet-stream' && claimed !== sniffed.type) {
      throw new UploadRefused(415, 'type_mismatch', `the file claims to be ${claimed} but its content is ${sniffed.name}`, { accepted: ACCEPTED_TYPES });
    }
    const hash = createHash('sha256').update(bytes).digest('hex');
    await store.putAttachment({ conversationId, hash, type: sniffed.type, size: bytes.length, bytes });
    log.info('attachment_stored', { conversationId, type: sniffed.type, size: bytes.length, by: who.startsWith('agent:') ? 'agent' : 'visitor' });
    sendJson(response, 201, { id: hash, type: sniffed.type, size: bytes.length }, corsHeaders(request));
  };

  // The part of a resumable upload this request carries, appended to what the server has:
  // the whole file once it is complete, else null (the response says how far it got).
  const resumableBody = async (request, response, url, { conversationId, uploadId, maxBytes }) => {
    const offset = Number(url.searchParams.get('offset'));
    const length = Number(url.searchParams.get('length'));
    if (!UPLOAD_ID.test(uploadId) || !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 1 || offset >= length) {
      throw new UploadRefused(400, 'invalid_upload', 'a resumable upload needs upload=<8 to 64 letters, digits, _ or ->, offset and length (0 ≤ offset < length)');
    }
    if (length > maxBytes) throw new UploadRefused(413, 'too_large', `the file is larger than this site's limit of ${maxBytes} bytes`, { maxBytes });
    const result = await partials.append(conversationId, uploadId, request, { offset, length });
    if (result.status === 'mismatch') throw new UploadRefused(409, 'offset_mismatch', `the server has ${result.offset} bytes of this upload`, { offset: result.offset });
    if (result.status === 'too_long') throw new UploadRefused(400, 'invalid_upload', `the body runs past the announced length of ${length} bytes`);
    if (result.status === 'partial') {
      sendJson(response, 200, { offset: result.offset }, corsHeaders(request));
      return null;
    }
    return result.bytes;
  };

  const uploadOffset = async (request, response, url, uploadId) => {
    const { conversationId } = await authorize(request, url);
    if (!UPLOAD_ID.test(uploadId)) throw new UploadRefused(404, 'not_found', 'no such upload');
    sendJson(response, 200, { offset: await partials.offset(conversationId, uploadId) }, corsHeaders(request));
  };

  const download = async (request, response, url, id) => {
    const { conversationId } = await authorize(request, url);
    const attachment = ID.test(id) ? await store.attachmentFor(conversationId, id) : null;
    // Missing and not yours look the same: the answer says nothing about other conversations.
    if (!attachment) throw new UploadRefused(404, 'not_found', 'no such attachment in this conversation');
    const bytes = Buffer.from(attachment.bytes);
    const disposition = isImageType(attachment.type) ? 'inline' : 'attachment';
    response.writeHead(200, {
      'content-type': attachment.type,
      'content-length': bytes.length,
      'content-disposition': `${disposition}; filename="kefu-${id.slice(0, 12)}.${EXTENSIONS[attachment.type] ?? 'bin'}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': ATTACHMENT_CSP,
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      // The bytes under an id never change, but only this reader may keep them.
      'cache-control': 'private, max-age=86400, immutable',
      ...corsHeaders(request),
      vary: 'Origin, Authorization',
    });
    response.end(request.method === 'HEAD' ? undefined : bytes);
  };

  const limits = (request, response, url) => {
    const siteId = url.searchParams.get('siteId');
    const site = siteId !== null && Object.hasOwn(config.sites, siteId) ? config.sites[siteId] : null;
    if (!site) throw new UploadRefused(404, 'unknown_site', 'no such site');
    sendJson(response, 200, { maxBytes: site.maxAttachmentBytes, accepted: ACCEPTED_TYPES }, { ...corsHeaders(request), 'cache-control': 'public, max-age=300' });
  };

  return async function handle(request, response, url) {
    const path = url.pathname;
    if (path !== '/attachments' && !path.startsWith('/attachments/')) return false;
    try {
      if (request.method === 'OPTIONS') {
        response.writeHead(204, { ...corsHeaders(request), 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' }).end();
      } else if (path === '/attachments' && request.method === 'POST') {
        await upload(request, response, url);
      } else if (path === '/attachments/limits' && request.method === 'GET') {
        limits(request, response, url);
      } else if (path.startsWith('/attachments/uploads/') && request.method === 'GET') {
        await uploadOffset(request, response, url, path.slice('/attachments/uploads/'.length));
      } else if (request.method === 'GET' || request.method === 'HEAD') {
        await download(request, response, url, path.slice('/attachments/'.length));
      } else {
        response.writeHead(405, { allow: 'GET, HEAD, POST, OPTIONS' }).end();
      }
    } catch (error) {
      if (!(error instanceof UploadRefused)) throw error;
      // A refused body is not read on: the connection closes after the answer.
      const closing = request.complete ? {} : { connection: 'close' };
      sendJson(response, error.status, { error: { code: error.code, message: error.message, ...error.extra } }, { ...corsHeaders(request), ...closing });
    }
    return true;
  };
}
