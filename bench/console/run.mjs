#!/usr/bin/env node
// npm run bench:console [-- --conversations N --rate R --seconds S]
//
// One agent console page in Chromium (Debian's, through playwright-core) with N open
// conversations (default 500) waiting in the queue, while R visitor messages per second
// (default 50) arrive for S seconds (default 60), spread over all of them. Meanwhile the
// agent types in the composer of one accepted conversation. The reference server runs
// as a child process; the visitors are plain protocol clients (`ws`) in this process.
//
// Prints one JSON line: conversations, messagesPerSecond, seconds, messagesSent,
// messagesReceivedWhileTyping (visitor messages that reached the page before the typing
// stopped: fewer than sent when the server falls behind), messagesShown (read from the
// page at the end: every row's unread count growth, scrolled through, plus the open
// conversation's new messages) and rowsShowingLatest (rows whose preview is their
// conversation's last message), longTasksOver50ms (main-thread tasks over 50 ms from
// the start mark after the first load to the end mark, before the bench's own forced GC
// and reading), inputToPaintP95Ms (keydown in the composer to the end of the main
// thread's work on the frame that shows it), inputToPaintFloorP95Ms (the same typing
// into a bare textarea just before: what the machine's load alone costs), keystrokes,
// heapGrowthBytes (JS heap at the end minus at the start, each after a forced GC),
// mainThreadCpuShare (the page's main-thread CPU time over the run's wall time: what the
// page costs, whatever else runs on the machine), firstLoadMs (login to the list loaded)
// and the machine's 1-minute loadAverage at the end (wall-time figures stretch on a
// loaded machine). Details on stderr. `--trace FILE` writes a CDP trace of the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { spawnServerProcess } from '../../server/server-process.js';
import { SETUP_LINE } from '../../server/command-line.js';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const conversations = option('conversations', 500);
const rate = option('rate', 50);
const seconds = option('seconds', 60);
const TYPED_PER_SECOND = 8; // a quick typist
const FLOOR_SECONDS = 10;

const dataDir = mkdtempSync(join(tmpdir(), 'kefu-console-bench-'));
const configPath = join(dataDir, 'bench-config.json');
writeFileSync(configPath, JSON.stringify({
  port: 0,
  dataDir: join(dataDir, 'db'),
  durability: 'committed',
  logLevel: 'warn',
  sites: { demo: { businessHours: null, offlineWhenNoAgent: false } },
  // Every simulated visitor shares 127.0.0.1: limits sized to let the load through
  // (they are what is bypassed here, not what is measured). The visitors say nothing
  // between their question and the run, which on a loaded machine can last longer than
  // the idle timeout that would close them.
  limits: { ipBurst: 1e6, ipPerMinute: 1e9, helloBurst: 1e6, helloPerMinute: 1e9, maxConnectionsPerIp: conversations * 2 + 50, visitorPerMinute: 1000, idleTimeoutMs: 3_600_000 },
}));
const { child: server, ready, output } = spawnServerProcess(configPath, { stdout: 2 });
const httpUrl = await ready;
// The agent is the first admin, made through the one-time setup link the server prints.
const setupToken = SETUP_LINE.exec(output())?.[2];
const wsUrl = `${httpUrl.replace('http', 'ws')}/ws`;

// ---- the visitors: each says hello, asks a question and asks for a person ----------
class BenchVisitor {
  cseq = 0;
  constructor(index) {
    this.index = index;
  }

  async start() {
    this.socket = new WebSocket(wsUrl, { origin: httpUrl });
    await new Promise((resolve, reject) => {
      this.socket.once('open', resolve);
      this.socket.once('error', reject);
    });
    const frames = [];
    let wake = null;
    this.socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString('utf8')));
      wake?.();
    });
    const next = async (match) => {
      for (;;) {
        const at = frames.findIndex(match);
        if (at >= 0) return frames.splice(at, 1)[0];
        await new Promise((resolve) => { wake = resolve; });
      }
    };
    this.socket.send(JSON.stringify({ type: 'hello', v: 1, siteId: 'demo', visitorId: `v-bench-${this.index}`, epoch: 'e1', sessionToken: null, lastSeq: 0, locale: 'zh-CN' }));
    await next((f) => f.type === 'welcome');
    this.say(`访客 ${this.index} 的问题：订单什么时候发货？`);
    this.socket.send(JSON.stringify({ type: 'handoff', reason: 'unanswered' }));
    await next((f) => f.event === 'queued');
    // Nothing else is read: drop what arrives.
    this.socket.removeAllListeners('message');
  }

  say(text) {
    this.cseq += 1;
    this.socket.send(JSON.stringify({ type: 'message', cmid: `m${this.cseq}`, cseq: this.cseq, text, clientTime: Date.now() }));
  }
}

const visitors = Array.from({ length: conversations }, (_, i) => new BenchVisitor(i + 1));
for (let i = 0; i < visitors.length; i += 50) await Promise.all(visitors.slice(i, i + 50).map((v) => v.start()));
process.stderr.write(`bench:console: ${conversations} conversations queued\n`);

// ---- the console page ---------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// Long tasks and keydown-to-paint delays, counted between `__bench.start` and `__bench.end`.
function instrument() {
  window.__bench = { longTasks: [], inputToPaint: [], start: Infinity, end: Infinity };
  new PerformanceObserver((list) => {
    const { start, end } = window.__bench;
    for (const entry of list.getEntries()) if (entry.startTime >= start && entry.startTime < end && entry.duration > 50) window.__bench.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('keydown', (event) => {
    if (event.target.id !== 'reply') return;
    const t0 = event.timeStamp;
    // The keydown, keypress and input events of a key run in one task; the next animation
    // frame draws the new text, and a message posted from its rAF callback arrives once
    // that frame's main-thread work (style, layout, paint) is done.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        if (t0 >= window.__bench.start && t0 < window.__bench.end) window.__bench.inputToPaint.push(performance.now() - t0);
      };
      channel.port2.postMessage(null);
    });
  }, true);
}

// Real key presses (CDP Input.dispatchKeyEvent through Playwright) at a quick typist's
// pace for `ms`, emptying the box every 40 keys. ASCII only: Playwright types other
// characters as one insertText, with no keydown to time.
const PHRASE = 'Hello, let me check your order. ';
async function typeFor(target, ms) {
  const until = Date.now() + ms;
  for (let typed = 1; Date.now() < until; typed += 1) {
    await target.keyboard.type(PHRASE[typed % PHRASE.length]);
    if (typed % 40 === 0) {
      await target.keyboard.press('Control+A');
      await target.keyboard.press('Backspace');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 / TYPED_PER_SECOND));
  }
}

const p95 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)].toFixed(1)) : null;
};

// The floor on this machine right now: the same typing into a bare textarea, so the
// console's figure can be read against what the machine's load alone costs.
const bare = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await bare.setContent('<textarea id="reply" rows="3"></textarea>');
await bare.evaluate(instrument);
await bare.focus('#reply');
await bare.evaluate(() => { window.__bench.start = performance.now(); });
await typeFor(bare, FLOOR_SECONDS * 1000);
await bare.evaluate(() => { window.__bench.end = performance.now(); });
const floorP95 = p95(await bare.evaluate(() => window.__bench.inputToPaint));
await bare.close();

const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.addInitScript(instrument);
const loginAt = Date.now();
await page.goto(`${httpUrl}/console/#setup=${setupToken}`);
await page.fill('#setup-username', 'bench');
await page.fill('#setup-name', '压测客服');
await page.fill('#setup-password', 'bench console password');
await page.click('#setup button[type=submit]');
// Loaded: the list holds every conversation (its rows' set size) and the rows in view are drawn.
await page.waitForFunction((n) => {
  const rows = document.querySelectorAll('#conversations li');
  return rows.length > 0 && rows[0].getAttribute('aria-setsize') === String(n) && [...rows].every((li) => li.querySelector('.name').textContent !== '');
}, conversations, { timeout: 120_000 });
const firstLoadMs = Date.now() - loginAt;

// Every row as the agent would see it scrolling the list from top to bottom (the list
// draws only the rows in view): {conversationId: {unread, preview}}.
const readRows = () => page.evaluate(async () => {
  const scroller = document.querySelector('#conversations').parentElement;
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const rows = {};
  for (let top = 0; ; top += scroller.clientHeight / 2) {
    scroller.scrollTop = top;
    await nextFrame();
    for (const li of document.querySelectorAll('#conversations li')) {
      rows[li.dataset.conversation] = { unread: Number(li.querySelector('.unread').textContent || 0), preview: li.querySelector('.preview').textContent };
    }
    if (top >= scroller.scrollHeight) break;
  }
  scroller.scrollTop = 0;
  await nextFrame();
  return rows;
});
// The messages shown in the open conversation.
const paneMessages = () => page.locator('#messages .from-visitor').count();

// One conversation accepted: the agent types in its composer during the run.
await page.click('#conversations li:first-child button');
await page.click('#accept');
await page.waitForSelector('#reply:not([disabled])');
await page.focus('#reply');
const rowsBefore = await readRows();
const paneBefore = await paneMessages();

const cdp = await page.context().newCDPSession(page);
const heapUsed = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
};
// The renderer main thread's CPU time: unlike the long tasks and delays (wall time), it
// does not grow when other processes take the machine's cores.
await cdp.send('Performance.enable');
const threadTimeMs = async () => 1000 * (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value;
// --trace FILE: a Chromium trace of the run (CDP Tracing; open it in DevTools' Performance panel).
const tracePath = process.argv.includes('--trace') ? process.argv[process.argv.indexOf('--trace') + 1] : null;
if (tracePath) await cdp.send('Tracing.start', { transferMode: 'ReturnAsStream', traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8.execute', 'toplevel', 'benchmark', 'disabled-by-default-v8.cpu_profiler', 'latencyInfo', 'input'] } });
// Visitor messages reaching the page, counted from the browser's network events (no
// work in the page): the server may fall behind on a loaded machine.
let msgFrames = 0;
await cdp.send('Network.enable');
cdp.on('Network.webSocketFrameReceived', ({ response }) => {
  if (response.payloadData.startsWith('{"type":"msg"')) msgFrames += 1;
});
const heapBefore = await heapUsed();
const threadTimeBefore = await threadTimeMs();
msgFrames = 0;
await page.evaluate(() => { window.__bench.start = performance.now(); });

// ---- the run: R messages a second over all conversations, the agent typing ----------
let sent = 0;
const startedAt = Date.now();
const total = rate * seconds;
const sendDue = (due) => {
  while (sent < due) {
    const visitor = visitors[sent % visitors.length];
    visitor.say(`第 ${sent + 1} 条消息：请问我的订单 ${100000 + sent} 到哪了？`);
    sent += 1;
  }
};
const sender = setInterval(() => sendDue(Math.min(total, Math.floor(((Date.now() - startedAt) / 1000) * rate))), 20);
await typeFor(page, seconds * 1000);
clearInterval(sender);
sendDue(total);
const receivedWhileTyping = msgFrames;
// Let the last messages arrive (however far behind the server is) and render.
for (const until = Date.now() + 60_000; msgFrames < total && Date.now() < until;) await new Promise((resolve) => setTimeout(resolve, 100));
await new Promise((resolve) => setTimeout(resolve, 1000));
// The run ends here: what follows (forced GCs, reading the list) is the bench's own work.
await page.evaluate(() => { window.__bench.end = performance.now(); });
const runSeconds = (Date.now() - startedAt) / 1000;
const mainThreadCpuMs = (await threadTimeMs()) - threadTimeBefore;
// Long-task entries arrive after their task: read once the end is marked.
const measured = await page.evaluate(() => window.__bench);
const heapAfter = await heapUsed();
if (tracePath) {
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await complete;
  const chunks = [];
  for (;;) {
    const { data, eof, base64Encoded } = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    chunks.push(base64Encoded ? Buffer.from(data, 'base64') : Buffer.from(data));
    if (eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  writeFileSync(tracePath, Buffer.concat(chunks));
}
// Shown: each row's unread count grew by the messages its conversation got, and the open
// one's pane shows its own; every row's preview is its conversation's latest message.
const rowsAfter = await readRows();
const paneAfter = await paneMessages();
const unreadGrowth = Object.entries(rowsAfter).reduce((sum, [id, row]) => sum + row.unread - (rowsBefore[id]?.unread ?? 0), 0);
const latest = new Set(Array.from({ length: Math.min(conversations, total) }, (_, i) => `第 ${total - i} 条消息`));
const rowsShowingLatest = Object.values(rowsAfter).filter((row) => latest.has(row.preview.split('：')[0])).length;

await browser.close();
for (const visitor of visitors) visitor.socket.terminate();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });

process.stderr.write(`bench:console: ${sent} messages sent, ${Object.keys(rowsAfter).length} rows read, ${measured.inputToPaint.length} keystrokes timed; long tasks: ${JSON.stringify(measured.longTasks.map(Math.round))}\n`);
console.log(JSON.stringify({
  conversations,
  messagesPerSecond: rate,
  seconds,
  messagesSent: sent,
  messagesReceivedWhileTyping: receivedWhileTyping,
  messagesShown: unreadGrowth + paneAfter - paneBefore,
  rowsShowingLatest,
  longTasksOver50ms: measured.longTasks.length,
  inputToPaintP95Ms: p95(measured.inputToPaint),
  inputToPaintFloorP95Ms: floorP95,
  keystrokes: measured.inputToPaint.length,
  heapGrowthBytes: heapAfter - heapBefore,
  mainThreadCpuShare: Number((mainThreadCpuMs / 1000 / runSeconds).toFixed(3)),
  firstLoadMs,
  loadAverage: Number(loadavg()[0].toFixed(1)),
}));
