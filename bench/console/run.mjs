#!/usr/bin/env node
// npm run bench:console [-- --conversations N --rate R --seconds S]
//
// One agent console page in Chromium (Debian's, through playwright-core) with N open
// conversations (default 500) waiting in the queue, while R visitor messages per second
// (default 50) arrive for S seconds (default 60), spread over all of them. Meanwhile the
// agent types in the composer of one accepted conversation. The reference server runs
// as a child process; the visitors are plain protocol clients (`ws`) in this process.
//
// Prints one JSON line: conversations, messagesPerSecond, seconds, messagesShown (the
// visitor messages the page received), longTasksOver50ms (main-thread tasks over 50 ms
// after the first load), inputToPaintP95Ms (keydown in the composer to the frame that
// shows it), heapGrowthBytes (JS heap after the run minus after the first load, each
// after a forced GC), mainThreadCpuShare (the page's main-thread CPU time over the run's
// wall time: what the page costs, whatever else runs on the machine), firstLoadMs (login
// to every row painted) and the machine's 1-minute loadAverage at the end (the wall-time
// figures stretch on a loaded machine). Details on stderr.
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

const dataDir = mkdtempSync(join(tmpdir(), 'kefu-console-bench-'));
const configPath = join(dataDir, 'bench-config.json');
writeFileSync(configPath, JSON.stringify({
  port: 0,
  dataDir: join(dataDir, 'db'),
  durability: 'committed',
  logLevel: 'warn',
  sites: { demo: { businessHours: null, offlineWhenNoAgent: false } },
  // Every simulated visitor shares 127.0.0.1: limits sized to let the load through
  // (they are what is bypassed here, not what is measured).
  limits: { ipBurst: 1e6, ipPerMinute: 1e9, helloBurst: 1e6, helloPerMinute: 1e9, maxConnectionsPerIp: conversations * 2 + 50, visitorPerMinute: 1000 },
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
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.addInitScript(() => {
  // Long tasks and keydown-to-paint delays, counted from `window.__benchStart`.
  window.__bench = { longTasks: [], inputToPaint: [], msgFrames: 0, start: Infinity };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.startTime >= window.__bench.start && entry.duration > 50) window.__bench.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('keydown', (event) => {
    if (event.target.id !== 'reply') return;
    const t0 = event.timeStamp;
    // The frame after this rAF has been painted when a message posted from it arrives.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__bench.inputToPaint.push(performance.now() - t0);
      channel.port2.postMessage(null);
    });
  }, true);
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data === 'string' && event.data.startsWith('{"type":"msg"')) window.__bench.msgFrames += 1;
      });
    }
  };
});
const loginAt = Date.now();
await page.goto(`${httpUrl}/console/#setup=${setupToken}`);
await page.fill('#setup-username', 'bench');
await page.fill('#setup-name', '压测客服');
await page.fill('#setup-password', 'bench console password');
await page.click('#setup button[type=submit]');
await page.waitForFunction((n) => document.querySelectorAll('#conversations li .name:not(:empty)').length >= n, conversations, { timeout: 120_000 });
const firstLoadMs = Date.now() - loginAt;
// One conversation accepted: the agent types in its composer during the run.
await page.click('#conversations li:first-child button');
await page.click('#accept');
await page.waitForSelector('#reply:not([disabled])');
await page.focus('#reply');

const cdp = await page.context().newCDPSession(page);
const heapUsed = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
};
// The renderer main thread's CPU time: unlike the long tasks and delays (wall time), it
// does not grow when other processes take the machine's cores.
await cdp.send('Performance.enable');
const threadTimeMs = async () => 1000 * (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value;
const heapBefore = await heapUsed();
const threadTimeBefore = await threadTimeMs();
await page.evaluate(() => {
  window.__bench.start = performance.now();
  window.__bench.msgFrames = 0;
});

// ---- the run: R messages a second over all conversations, the agent typing ----------
let sent = 0;
const startedAt = Date.now();
const total = rate * seconds;
const sender = setInterval(() => {
  const due = Math.min(total, Math.floor(((Date.now() - startedAt) / 1000) * rate));
  while (sent < due) {
    const visitor = visitors[sent % visitors.length];
    visitor.say(`第 ${sent + 1} 条消息：请问我的订单 ${100000 + sent} 到哪了？`);
    sent += 1;
  }
}, 20);
// ASCII: Playwright types other characters as one insertText, with no keydown to time.
const phrase = 'Hello, let me check your order. ';
let typed = 0;
while (Date.now() - startedAt < seconds * 1000) {
  await page.keyboard.type(phrase[typed % phrase.length]);
  typed += 1;
  if (typed % 40 === 0) {
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
  }
  await new Promise((resolve) => setTimeout(resolve, 1000 / TYPED_PER_SECOND));
}
clearInterval(sender);
// Let the last messages arrive and render.
await new Promise((resolve) => setTimeout(resolve, 1500));
const runSeconds = (Date.now() - startedAt) / 1000;
const mainThreadCpuMs = (await threadTimeMs()) - threadTimeBefore;
const heapAfter = await heapUsed();
const measured = await page.evaluate(() => window.__bench);
const delays = [...measured.inputToPaint].sort((a, b) => a - b);
const p95 = delays.length ? delays[Math.min(delays.length - 1, Math.ceil(0.95 * delays.length) - 1)] : null;

await browser.close();
for (const visitor of visitors) visitor.socket.terminate();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });

process.stderr.write(`bench:console: ${sent} messages sent, ${measured.msgFrames} msg frames reached the page, ${delays.length} keystrokes timed; long tasks: ${JSON.stringify(measured.longTasks.map(Math.round))}\n`);
console.log(JSON.stringify({
  conversations,
  messagesPerSecond: rate,
  seconds,
  messagesSent: sent,
  messagesShown: measured.msgFrames,
  longTasksOver50ms: measured.longTasks.length,
  inputToPaintP95Ms: p95 === null ? null : Number(p95.toFixed(1)),
  keystrokes: delays.length,
  heapGrowthBytes: heapAfter - heapBefore,
  mainThreadCpuShare: Number((mainThreadCpuMs / 1000 / runSeconds).toFixed(3)),
  firstLoadMs,
  loadAverage: Number(loadavg()[0].toFixed(1)),
}));
