#!/usr/bin/env node
// npm run bench:kb -- KB.json [--cpu N]      (a KB, or a dataset in ../shared/datasets' shape)
// npm run bench:kb -- --synthetic N [--similar S] [--cpu N]   (bench/faq/synthetic-kb.mjs)
//   --profile FILE   also writes a CDP CPU profile of open → ready (.cpuprofile, for
//                    DevTools) and prints to stderr the page's requests (start → end, ms
//                    after the snippet) and the functions with the most self time
//
// A real knowledge base as a visitor meets it: the reference server publishes the KB as
// the demo site's (training its index in a worker), then Debian's Chromium, its CPU
// slowed N times through CDP (Emulation.setCPUThrottlingRate; 4 is the usual phone
// profile), opens a page with the widget open, waits for the bot's index, asks the first
// FAQ's question and waits for the answer. Prints one JSON line:
//   faqs, phrasings          the KB's size
//   kbJsonBrotliBytes        the KB JSON, brotli quality 11 (what shipping the JSON costs)
//   indexBytes, indexBrotliBytes  the .kfi the widget downloads, as served
//   buildMs                  training the index on the server (in its worker)
//   openToReadyMs            the snippet running (panel open) → the bot's index loaded (kb_ready)
//   firstAnswerMs            the question sent → the bot's answer drawn
//   wasmHeapBytes            the wasm memories the page instantiated (the core and its index)
import { readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { loadavg } from 'node:os';
import { launchChromium } from '../../tests/browser/chromium.js';
import { routeHostPage, startTestServer } from '../../tests/browser/kefu-server.js';
import { syntheticKb } from '../faq/synthetic-kb.mjs';
import { kbFaqs } from '../../cli/eval-command.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const cpu = option('--cpu', 1);
const syntheticFaqs = option('--synthetic', 0);
const profileFile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : null;
const file = args.find((arg, at) => !arg.startsWith('--') && !args[at - 1]?.startsWith('--'));
if ((!file && !(syntheticFaqs > 0)) || !(cpu >= 1)) {
  console.error('usage: npm run bench:kb -- KB.json [--cpu N]  |  npm run bench:kb -- --synthetic N [--similar S] [--cpu N]');
  process.exit(2);
}
const source = file ? JSON.parse(readFileSync(file, 'utf8')) : syntheticKb(syntheticFaqs, option('--similar', 3));
// A dataset carries its eval queries too, and may leave answers empty (kefu eval's
// placeholder stands in): the KB is the rest.
const { queries: _queries, source: _origin, license: _license, ...kb } = { ...source, faqs: kbFaqs(source) };
const kbText = JSON.stringify(kb);
const question = kb.faqs[0].question;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><script>
  window.Kefu = window.Kefu || function () { (Kefu.q = Kefu.q || []).push(arguments); };
  window.snippetAt = performance.now();
  window.kefuErrors = [];
  Kefu('on', 'kb_ready', function () { window.kbReadyAt = window.kbReadyAt || performance.now(); });
  Kefu('on', 'error', function (detail) { window.kefuErrors.push(detail); });
  Kefu('boot', { siteId: 'demo', locale: 'zh-CN' });
  Kefu('open');
</script><script async src="/kefu/kefu-loader.js"></script></head><body></body></html>`;

const server = await startTestServer();
const browser = await launchChromium();
try {
  const published = await server.publishKnowledgeBase('demo', kbText);
  if (published.error) throw new Error(`the server rejected the KB: ${published.error.code}: ${published.error.message}`);
  const indexUrl = `${server.httpUrl}/kb/demo/${published.version}.kfi`;
  const indexBytes = (await (await fetch(indexUrl, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
  // Node's fetch would decompress: the served length is the header's.
  const indexBrotliBytes = Number((await fetch(indexUrl, { method: 'HEAD', headers: { 'accept-encoding': 'br' } })).headers.get('content-length'));

  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('crash', () => console.error('bench:kb: the page crashed'));
  page.on('pageerror', (error) => console.error(`bench:kb: page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && console.error(`bench:kb: console: ${message.text()}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  // Every wasm memory the page makes (the core's), as it is instantiated: the inspector's
  // Runtime.queryObjects crashes the renderer on a heap this size.
  await page.addInitScript(() => {
    window.wasmMemories = [];
    for (const name of ['instantiate', 'instantiateStreaming']) {
      const original = WebAssembly[name];
      WebAssembly[name] = async function (...args) {
        const result = await original.apply(this, args);
        const instance = result.instance ?? result;
        for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) window.wasmMemories.push(value);
        return result;
      };
    }
  });
  if (profileFile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await page.goto(await routeHostPage(page, server.httpUrl, 'kb.html', PAGE, { csp: null }));
  await page.waitForFunction(() => window.kbReadyAt || window.kefuErrors.length > 0, null, { timeout: 600_000, polling: 50 });
  const errors = await page.evaluate(() => window.kefuErrors);
  if (errors.length > 0) throw new Error(`the widget reported ${JSON.stringify(errors)}`);
  const openToReadyMs = await page.evaluate(() => window.kbReadyAt - window.snippetAt);
  if (profileFile) await writeProfile(cdp, page, profileFile);
  await page.waitForSelector('kefu-chat >> .panel[data-connection=online]', { state: 'attached', timeout: 60_000 });

  const firstAnswerMs = await page.evaluate(
    (text) =>
      new Promise((resolve) => {
        const root = document.querySelector('kefu-chat').shadowRoot;
        const answers = () => root.querySelectorAll('.messages li.message.bot').length;
        const before = answers();
        const sentAt = performance.now();
        new MutationObserver((_, observer) => {
          if (answers() > before) {
            observer.disconnect();
            resolve(performance.now() - sentAt);
          }
        }).observe(root, { childList: true, subtree: true });
        window.Kefu('send', text);
      }),
    question,
  );

  const wasmHeapBytes = await page.evaluate(() => window.wasmMemories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0));
  await context.close();

  console.log(
    JSON.stringify({
      kb: file ?? `synthetic ${syntheticFaqs}`,
      cpu,
      loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
      faqs: published.faqs,
      phrasings: published.phrasings,
      kbJsonBrotliBytes: brotliCompressSync(kbText, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length,
      indexBytes,
      indexBrotliBytes,
      buildMs: published.buildMs,
      openToReadyMs: Math.round(openToReadyMs),
      firstAnswerMs: Math.round(firstAnswerMs),
      wasmHeapBytes,
    }),
  );
} finally {
  await browser.close();
  await server.close();
}

// Where open → ready went: the requests in order, and the hottest functions.
async function writeProfile(cdp, page, path) {
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(path, JSON.stringify(profile));
  const requests = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => ({ name: entry.name.replace(location.origin, ''), start: entry.startTime - window.snippetAt, end: entry.responseEnd - window.snippetAt })),
  );
  for (const { name, start, end } of requests) console.error(`request ${Math.round(start)}..${Math.round(end)} ms  ${name}`);
  const selfUs = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const { functionName, url, lineNumber } = byId.get(profile.samples[i]).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}:${lineNumber + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + profile.timeDeltas[i]);
  }
  for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.error(`self ${Math.round(us / 1000)} ms  ${key}`);
}
