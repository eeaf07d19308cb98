// Attachments in the browser: the visitor picks a file, it is uploaded with progress
// shown, survives a reload in the middle and is delivered once; refused files get their
// reason in the panel; an agent's image reaches the visitor's thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { watchPage } from './chromium.js';
import { AgentClient, conversationIdOf } from './agent-client.js';
import { dataAttributePage, routeHostPage, screenshot, switchableServerLine, useKefuWorld, widgetOnline } from './kefu-server.js';
import { logInPage } from '../server/helpers/console-session.js';

const world = useKefuWorld();
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// A real width × height PNG (one colour), so the thread can decode and show it.
function png(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

async function openWidget(page) {
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'attachments.html', dataAttributePage({ locale: 'zh-CN' })));
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
}

async function storedMessages(conversationId) {
  const agent = await AgentClient.login(world.server, 'auditor');
  agent.send({ type: 'history', conversationId });
  const { messages } = await agent.next((frame) => frame.type === 'history');
  agent.close();
  return messages;
}

const imageShown = (page) => page.waitForFunction(() => {
  const image = document.querySelector('kefu-chat').shadowRoot.querySelector('.messages img.attachment-image');
  return image && image.complete && image.naturalWidth > 0 && image.src.startsWith('blob:');
}, null, { timeout: 15_000 });

test('a 10 MB image picked, the page reloaded while it uploads: after the reload only the rest is sent, delivered once, shown in the thread', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  const welcomed = conversationIdOf(page);
  await openWidget(page);
  const conversationId = await welcomed;

  // Valid PNG data then padding to 10 MB (decoders stop at IEND).
  const image = png(64, 48, [255, 200, 0]);
  const bytes = Buffer.concat([image, Buffer.alloc(10_000_000 - image.length)]);
  const uploads = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (request.method() === 'POST' && url.pathname === '/attachments') uploads.push(Object.fromEntries(url.searchParams));
  });
  // A slow uplink (1 MB/s), so the reload comes while the bytes are on their way, also on a busy machine.
  const network = await context.newCDPSession(page);
  await network.send('Network.enable');
  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1_000_000 });
  await page.setInputFiles('kefu-chat >> input.attach-input', { name: '截图.png', mimeType: 'image/png', buffer: bytes });
  await page.waitForSelector('kefu-chat >> .attach-status progress:not([hidden])');
  await page.waitForFunction(() => {
    const status = document.querySelector('kefu-chat').shadowRoot.querySelector('.attach-status [role=status]')?.textContent ?? '';
    return Number(/(\d+)%$/.exec(status)?.[1] ?? 0) >= 20;
  }, null, { timeout: 15_000 });
  assert.match(await page.textContent('kefu-chat >> .attach-status [role=status]'), /^正在上传 截图\.png… \d+%$/);
  await screenshot(page, 'attachment-uploading');
  assert.equal(uploads.length, 1);
  assert.equal(uploads[0].offset, '0');

  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.reload();
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { timeout: 15_000 });
  await imageShown(page);
  assert.equal(await page.getAttribute('kefu-chat >> .messages img.attachment-image', 'alt'), '图片 截图.png');
  await screenshot(page, 'attachment-delivered');
  // Another reload must not send it again.
  await page.reload();
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await imageShown(page);
  await page.waitForTimeout(300);
  const visitorMessages = (await storedMessages(conversationId)).filter((message) => message.author === 'visitor');
  assert.equal(visitorMessages.length, 1, 'delivered exactly once');
  // The bytes the server put together are the file's: its id is their SHA-256.
  assert.deepEqual(visitorMessages[0].attachment, { id: createHash('sha256').update(bytes).digest('hex'), name: '截图.png', type: 'image/png', size: 10_000_000, width: 64, height: 48 });
  // After the reload the same upload went on from what the server had: less than the file.
  assert.equal(uploads.length, 2, JSON.stringify(uploads));
  assert.equal(uploads[1].upload, uploads[0].upload);
  const resumedAt = Number(uploads[1].offset);
  assert.ok(resumedAt >= 1_000_000 && resumedAt < 10_000_000, `the second upload started at byte ${resumedAt}`);
  assert.equal(await page.locator('kefu-chat >> .messages li.visitor').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a file uploaded while the socket is down, then a reload before its message went out: the message is sent once', async () => {
  const context = await world.browser.newContext();
  // The page's socket goes through a switch: refused at once while "offline".
  const line = await switchableServerLine(context);
  const page = await context.newPage();
  const problems = await watchPage(page);
  const welcomed = conversationIdOf(page);
  await openWidget(page);
  const conversationId = await welcomed;
  await line.cut();
  await page.waitForSelector('kefu-chat >> .panel:not([data-connection=online])');
  // The upload is plain HTTP and goes through; its message waits in the outbox.
  await page.setInputFiles('kefu-chat >> input.attach-input', { name: '发票.png', mimeType: 'image/png', buffer: png(32, 32, [200, 0, 0]) });
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=pending]');
  await page.waitForTimeout(300); // IndexedDB commits the journal

  line.restore();
  await page.reload();
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { timeout: 15_000 });
  await imageShown(page);
  await page.waitForTimeout(300);
  const visitorMessages = (await storedMessages(conversationId)).filter((message) => message.author === 'visitor');
  assert.deepEqual(visitorMessages.map((message) => message.attachment.name), ['发票.png'], 'stored once');
  assert.equal(await page.locator('kefu-chat >> .messages li.visitor').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an image pasted into the composer and a PDF dropped on the panel are sent: a thumbnail and a download link', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  const problems = await watchPage(page);
  await openWidget(page);
  const image = png(40, 30, [120, 0, 200]).toString('base64');
  await page.evaluate((base64) => {
    const root = document.querySelector('kefu-chat').shadowRoot;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const pasted = new DataTransfer();
    pasted.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    root.querySelector('textarea').dispatchEvent(new ClipboardEvent('paste', { clipboardData: pasted, bubbles: true, cancelable: true, composed: true }));
  }, image);
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { timeout: 15_000 });
  await imageShown(page);
  assert.equal(await page.inputValue('kefu-chat >> textarea'), '', 'the file was not pasted as text');
  await page.evaluate(() => {
    const panel = document.querySelector('kefu-chat').shadowRoot.querySelector('.panel');
    const dropped = new DataTransfer();
    dropped.items.add(new File(['%PDF-1.4\n%%EOF\n'], '发票.pdf', { type: 'application/pdf' }));
    panel.dispatchEvent(new DragEvent('dragover', { dataTransfer: dropped, bubbles: true, cancelable: true }));
    panel.dispatchEvent(new DragEvent('drop', { dataTransfer: dropped, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => {
    const link = document.querySelector('kefu-chat').shadowRoot.querySelector('.messages li.visitor a.attachment-link[download]');
    return link && link.href.startsWith('blob:');
  }, null, { timeout: 15_000 });
  assert.equal(await page.getAttribute('kefu-chat >> .messages li.visitor a.attachment-link[download]', 'download'), '发票.pdf');
  assert.equal(await page.textContent('kefu-chat >> .messages li.visitor a.attachment-link[download]'), 'PDF · 发票.pdf');
  assert.equal(await page.locator('kefu-chat >> .messages li.visitor').count(), 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a PDF named .png (forged type), an SVG and a file over the cap are refused with their reason in the panel', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  await openWidget(page);
  const input = 'kefu-chat >> input.attach-input';
  const reason = 'kefu-chat >> .attach-status .field-error';
  await page.setInputFiles(input, { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelector('.attach-status .field-error').textContent !== '');
  assert.equal(await page.textContent(reason), '无法发送 photo.png：文件内容与文件类型不符。');
  await screenshot(page, 'attachment-refused');
  await page.setInputFiles(input, { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await page.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelector('.attach-status .field-error').textContent.includes('SVG'));
  assert.equal(await page.textContent(reason), '无法发送 logo.svg：不接受 SVG 图片，请发送 PNG、JPEG 或 WebP。');
  await page.setInputFiles(input, { name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) });
  await page.waitForFunction(() => document.querySelector('kefu-chat').shadowRoot.querySelector('.attach-status .field-error').textContent.includes('big.png'));
  assert.equal(await page.textContent(reason), 'big.png 太大了：文件最大 10 MB。');
  assert.equal(await page.locator('kefu-chat >> .messages li.visitor').count(), 0, 'nothing was sent');
  await context.close();
});

test('in the console the agent sees the visitor\'s image and sends one; the visitor sees it; the attach button works from the keyboard; axe finds nothing serious', async () => {
  // axe is injected as an inline script, which the strict CSP would (rightly) block.
  const context = await world.browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const problems = await watchPage(page);
  await openWidget(page);
  const consoleContext = await world.browser.newContext();
  const desk = await consoleContext.newPage();
  const deskProblems = await watchPage(desk);
  await logInPage(desk, world.server, { name: '小李', role: 'admin' });

  await page.setInputFiles('kefu-chat >> input.attach-input', { name: '订单.png', mimeType: 'image/png', buffer: png(90, 60, [0, 160, 80]) });
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { timeout: 15_000 });
  await page.click('kefu-chat >> button.handoff');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=queued]');
  // The one waiting row of the console's conversation list.
  await desk.click('#conversations li:has-text("waiting 排队 #") button >> nth=0');
  await desk.waitForFunction(() => {
    const image = document.querySelector('#messages li.from-visitor img.attachment-thumb');
    return image && image.complete && image.naturalWidth === 90 && image.src.startsWith('blob:');
  });
  await desk.click('#accept');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=with_agent]');

  await desk.setInputFiles('#attach-input', { name: '示意图.png', mimeType: 'image/png', buffer: png(120, 80, [255, 120, 0]) });
  await page.waitForFunction(() => {
    const image = document.querySelector('kefu-chat').shadowRoot.querySelector('.messages li.agent img.attachment-image');
    return image && image.complete && image.naturalWidth === 120 && image.src.startsWith('blob:');
  }, null, { timeout: 15_000 });
  assert.equal(await page.getAttribute('kefu-chat >> .messages li.agent img.attachment-image', 'alt'), '图片 示意图.png');
  await desk.waitForSelector('#messages li.from-agent img.attachment-thumb');
  await screenshot(page, 'attachment-from-agent');
  await screenshot(desk, 'console-attachments');

  // The attach button is a named button in the tab order; Enter opens the file picker.
  const button = page.locator('kefu-chat >> button.attach-button');
  assert.equal(await button.getAttribute('aria-label'), '发送图片或 PDF');
  await button.focus();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles([]);

  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  assert.deepEqual(serious, []);
  assert.deepEqual(problems, []);
  assert.deepEqual(deskProblems, []);
  await consoleContext.close();
  await context.close();
});
