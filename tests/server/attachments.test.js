// Attachments over HTTP (server/http/uploads.js): what is accepted, what is refused and
// why, who may read a file back and with which headers, and the message that carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';
import { withTestServer } from './helpers/running-server.js';
import { openConsole } from './helpers/console-session.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest of a png')]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n');
const SVG = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function visitor(server) {
  const client = await SocketClient.open(server.wsUrl, { origin: server.origin });
  const welcome = await helloVisitor(client);
  return { client, welcome };
}

const upload = (server, token, bytes, type, query = '') => fetch(`${server.httpUrl}/attachments${query}`, {
  method: 'POST', headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) }, body: bytes,
});
const download = (server, token, id, query = '') => fetch(`${server.httpUrl}/attachments/${id}${query}`, { headers: { authorization: `Bearer ${token}` } });
// An agent's requests carry the console's session cookie.
const agentFetch = (server, cookie, path, init = {}) => fetch(`${server.httpUrl}${path}`, { ...init, headers: { ...init.headers, ...(cookie ? { cookie } : {}), origin: server.httpUrl } });

test('a PNG and a PDF are stored under their SHA-256 and served back to their conversation with safe headers', async () => {
  await withTestServer({}, async (server) => {
    const { client, welcome } = await visitor(server);
    const stored = await upload(server, welcome.sessionToken, PNG, 'image/png');
    assert.equal(stored.status, 201);
    assert.deepEqual(await stored.json(), { id: sha256(PNG), type: 'image/png', size: PNG.length });
    const image = await download(server, welcome.sessionToken, sha256(PNG));
    assert.equal(image.status, 200);
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.match(image.headers.get('content-disposition'), /^inline; filename="kefu-[0-9a-f]{12}\.png"$/);
    assert.equal(image.headers.get('x-content-type-options'), 'nosniff');
    assert.match(image.headers.get('content-security-policy'), /default-src 'none'.*sandbox/);
    assert.match(image.headers.get('cache-control'), /^private/);
    // No claimed type at all: the bytes decide.
    const pdf = await (await upload(server, welcome.sessionToken, PDF, null)).json();
    assert.equal(pdf.type, 'application/pdf');
    // JPEG and WebP by their signatures; the stored type is the sniffed one.
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF rest')]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([20, 0, 0, 0]), Buffer.from('WEBPVP8 rest')]);
    assert.equal((await (await upload(server, welcome.sessionToken, jpeg, 'image/jpeg')).json()).type, 'image/jpeg');
    assert.equal((await (await upload(server, welcome.sessionToken, webp, 'application/octet-stream')).json()).type, 'image/webp');
    const served = await download(server, welcome.sessionToken, pdf.id);
    assert.equal(served.headers.get('content-type'), 'application/pdf');
    assert.match(served.headers.get('content-disposition'), /^attachment; /, 'a PDF is downloaded, never rendered in the server origin');
    client.close();
  });
});

test('a forged type, an SVG and a file over the site cap are refused with a reason; nothing is stored', async () => {
  await withTestServer({ config: { sites: { demo: { maxAttachmentBytes: 1024 } } } }, async (server) => {
    const { client, welcome } = await visitor(server);
    const forged = await upload(server, welcome.sessionToken, PDF, 'image/png');
    assert.equal(forged.status, 415);
    assert.deepEqual((await forged.json()).error.code, 'type_mismatch');
    // Renamed to look like a PNG: the bytes are an SVG all the same.
    const svg = await upload(server, welcome.sessionToken, SVG, 'image/png');
    assert.equal(svg.status, 415);
    const svgError = (await svg.json()).error;
    assert.equal(svgError.code, 'type_not_allowed');
    assert.match(svgError.message, /SVG/);
    const html = await upload(server, welcome.sessionToken, Buffer.from('<html><script>alert(1)</script>'), 'text/html');
    assert.equal(html.status, 415);
    const big = Buffer.concat([PNG, Buffer.alloc(1024)]);
    const tooLarge = await upload(server, welcome.sessionToken, big, 'image/png');
    assert.equal(tooLarge.status, 413);
    assert.deepEqual((await tooLarge.json()).error, { code: 'too_large', message: "the file is larger than this site's limit of 1024 bytes", maxBytes: 1024 });
    // Without Content-Length (chunked), the cap holds while the body streams in.
    const streamed = await new Promise((resolve, reject) => {
      const request = httpRequest(`${server.httpUrl}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${welcome.sessionToken}`, 'transfer-encoding': 'chunked' } }, resolve);
      request.on('error', reject);
      request.write(big.subarray(0, 600));
      setTimeout(() => request.end(big.subarray(600)), 20);
    });
    assert.equal(streamed.statusCode, 413);
    streamed.resume();
    for (const bytes of [PDF, SVG, big]) assert.equal((await download(server, welcome.sessionToken, sha256(bytes))).status, 404);
    assert.equal((await (await fetch(`${server.httpUrl}/attachments/limits?siteId=demo`)).json()).maxBytes, 1024);
    client.close();
  });
});

test('only the parties of the conversation can fetch an attachment: not another visitor, not without a token, not an agent without a console session', async () => {
  await withTestServer({}, async (server) => {
    const owner = await visitor(server);
    const stranger = await visitor(server);
    const { id } = await (await upload(server, owner.welcome.sessionToken, PNG, 'image/png')).json();
    assert.equal((await download(server, stranger.welcome.sessionToken, id)).status, 404);
    assert.equal((await fetch(`${server.httpUrl}/attachments/${id}`)).status, 401);
    assert.equal((await download(server, 'st-made-up', id)).status, 401);
    assert.equal((await agentFetch(server, null, `/attachments/${id}?conversationId=${owner.welcome.conversationId}`)).status, 401);
    assert.equal((await agentFetch(server, 'kefu_console=made-up', `/attachments/${id}?conversationId=${owner.welcome.conversationId}`)).status, 401);
    const admin = await openConsole(server, { role: 'admin' });
    // The file is linked to the owner's conversation only.
    assert.equal((await agentFetch(server, admin.cookie, `/attachments/${id}?conversationId=${stranger.welcome.conversationId}`)).status, 404);
    assert.equal((await agentFetch(server, admin.cookie, `/attachments/${id}?conversationId=${owner.welcome.conversationId}`)).status, 200);
    admin.client.close();
    assert.equal((await upload(server, 'st-made-up', PNG, 'image/png')).status, 401);
    owner.client.close();
    stranger.client.close();
  });
});

test('a message carries an uploaded attachment (type and size as the server found them) to the agent; one never uploaded is refused', async () => {
  await withTestServer({}, async (server) => {
    const { client, welcome } = await visitor(server);
    const { id } = await (await upload(server, welcome.sessionToken, PNG, 'image/png')).json();
    const claimed = { id, name: 'photo.png', type: 'application/pdf', size: 1, width: 640, height: 480 };
    const ack = await client.request({ type: 'message', cmid: 'c1', cseq: 1, text: 'photo.png', clientTime: 1, attachment: claimed }, 'ack');
    assert.equal(ack.seq, 1);
    const page = await client.request({ type: 'resync', afterSeq: 0 }, 'resync');
    assert.deepEqual(page.messages[0].attachment, { id, name: 'photo.png', type: 'image/png', size: PNG.length, width: 640, height: 480 });
    const refused = await client.request({ type: 'message', cmid: 'c2', cseq: 2, text: 'x', clientTime: 1, attachment: { ...claimed, id: sha256(PDF) } }, 'error');
    assert.deepEqual([refused.code, refused.cmid], ['attachment_not_found', 'c2']);
    client.close();
  });
});

test('an agent uploads an image to the conversation and sends it; the visitor receives it and can fetch it', async () => {
  await withTestServer({}, async (server) => {
    const { client: agent, cookie } = await openConsole(server, { role: 'admin' });
    const { client, welcome } = await visitor(server);
    client.send({ type: 'handoff', reason: 'visitor' });
    await client.next((f) => f.type === 'event' && f.event === 'queued');
    assert.equal((await agent.request({ type: 'accept', conversationId: welcome.conversationId }, 'result')).ok, true);
    const stored = await agentFetch(server, cookie, `/attachments?conversationId=${welcome.conversationId}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG });
    assert.equal(stored.status, 201);
    const { id } = await stored.json();
    const sent = await agent.request({ type: 'message', conversationId: welcome.conversationId, text: 'screenshot.png', attachment: { id, name: 'screenshot.png' } }, 'result');
    assert.equal(sent.ok, true);
    const frame = await client.next((f) => f.type === 'msg' && f.author === 'agent');
    assert.deepEqual(frame.attachment, { id, name: 'screenshot.png', type: 'image/png', size: PNG.length });
    assert.equal((await download(server, welcome.sessionToken, id)).status, 200);
    const unknown = await agent.request({ type: 'message', conversationId: welcome.conversationId, text: 'x', attachment: { id: sha256(PDF), name: 'x' } }, 'result');
    assert.equal(unknown.error, 'attachment_not_found');
    client.close();
    agent.close();
  });
});

test('uploads past limits.uploadsInFlight get 503 while the others arrive, and go through once one is done', async () => {
  await withTestServer({ config: { limits: { uploadsInFlight: 1 } } }, async (server) => {
    const { client, welcome } = await visitor(server);
    // The first upload is still arriving (chunked, not ended).
    let finish;
    const first = new Promise((resolve, reject) => {
      const request = httpRequest(`${server.httpUrl}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${welcome.sessionToken}`, 'transfer-encoding': 'chunked' } }, resolve);
      request.on('error', reject);
      request.write(PNG.subarray(0, 8));
      finish = () => request.end(PNG.subarray(8));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await upload(server, welcome.sessionToken, PDF, 'application/pdf');
    assert.equal(busy.status, 503);
    assert.equal((await busy.json()).error.code, 'busy');
    finish();
    assert.equal((await first).statusCode, 201);
    assert.equal((await upload(server, welcome.sessionToken, PDF, 'application/pdf')).status, 201);
    client.close();
  });
});

// A resumable upload's first part, cut off after `sent` bytes (a reload, a lost line).
function cutOffUpload(server, token, query, bytes, sent) {
  return new Promise((resolve) => {
    const request = httpRequest(`${server.httpUrl}/attachments${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': String(bytes.length) } });
    request.on('error', () => resolve());
    request.write(bytes.subarray(0, sent), () => setTimeout(() => {
      request.destroy();
      resolve();
    }, 100));
  });
}

test('a resumable upload cut off keeps what arrived: the rest completes it (type checked on the whole file); a wrong offset is 409; another conversation has none of it', async () => {
  await withTestServer({}, async (server) => {
    const { client, welcome } = await visitor(server);
    const token = welcome.sessionToken;
    const file = Buffer.concat([PNG, Buffer.alloc(300_000, 7)]);
    const offsetOf = async (id, bearer = token) => (await (await fetch(`${server.httpUrl}/attachments/uploads/${id}`, { headers: { authorization: `Bearer ${bearer}` } })).json()).offset;
    const query = (id, offset, length = file.length) => `?upload=${id}&offset=${offset}&length=${length}`;

    assert.equal(await offsetOf('upload-one'), 0);
    await cutOffUpload(server, token, query('upload-one', 0), file, 120_000);
    let kept = 0;
    for (let tries = 0; tries < 50 && kept < 120_000; tries += 1) {
      kept = await offsetOf('upload-one');
      if (kept < 120_000) await new Promise((done) => setTimeout(done, 20));
    }
    assert.equal(kept, 120_000);
    // The same upload id from another conversation opens nothing of it.
    const other = await visitor(server);
    assert.equal(await offsetOf('upload-one', other.welcome.sessionToken), 0);

    const wrong = await upload(server, token, file.subarray(5), 'image/png', query('upload-one', 5));
    assert.equal(wrong.status, 409);
    assert.deepEqual((await wrong.json()).error, { code: 'offset_mismatch', message: 'the server has 120000 bytes of this upload', offset: 120_000 });

    const rest = await upload(server, token, file.subarray(kept), 'image/png', query('upload-one', kept));
    assert.equal(rest.status, 201);
    assert.deepEqual(await rest.json(), { id: sha256(file), type: 'image/png', size: file.length });
    assert.deepEqual(Buffer.from(await (await download(server, token, sha256(file))).arrayBuffer()), file);
    assert.equal(await offsetOf('upload-one'), 0, 'a completed upload leaves nothing behind');

    // Claimed a PNG, the whole is a PDF: refused once whole, like a one-piece upload.
    const forged = Buffer.concat([PDF, Buffer.alloc(1000)]);
    const first = await upload(server, token, forged.subarray(0, 500), 'image/png', query('upload-two', 0, forged.length));
    assert.deepEqual([first.status, await first.json()], [200, { offset: 500 }]);
    const whole = await upload(server, token, forged.subarray(500), 'image/png', query('upload-two', 500, forged.length));
    assert.equal(whole.status, 415);
    assert.equal((await whole.json()).error.code, 'type_mismatch');
    // Bad parameters and a length over the cap are refused before any byte is kept.
    assert.equal((await upload(server, token, PNG, 'image/png', '?upload=x&offset=0&length=3')).status, 400);
    assert.equal((await upload(server, token, PNG, 'image/png', query('upload-three', 0, 100 * 1024 * 1024))).status, 413);
    client.close();
    other.client.close();
  });
});
