import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchPage } from './chromium.js';
import { AgentClient, conversationIdOf } from './agent-client.js';
import { routeHostPage, useKefuWorld, widgetOnline } from './kefu-server.js';

// Each one calls __xss(tag) if it ever runs, and tries to break out of an attribute.
const PAYLOADS = [
  `<script>__xss('script')</script>`,
  `<img src=x onerror="__xss('img')">`,
  `<svg onload="__xss('svg')"><script>__xss('svg-script')</script></svg>`,
  `<iframe src="javascript:__xss('iframe')"></iframe>`,
  `"><img src=x onerror=__xss('breakout')>`,
  `' onmouseover='__xss("attr")' x='`,
  `[click me](javascript:__xss('js-link'))`,
  `[click me](JaVaScRiPt:__xss('js-link-case'))`,
  `[click me]( javascript:__xss('js-link-space'))`,
  `[data](data:text/html,<script>__xss('data')</script>)`,
  `[entity](javascript&#58;__xss('entity'))`,
  `[entity](&#106;avascript:__xss('entity-j'))`,
  `[vb](vbscript:__xss('vbscript'))`,
  `**<b onclick=__xss('bold')>bold</b>**`,
  `https://example.com/"onmouseover="__xss('bare-url')`,
  `<a href="javascript:__xss('anchor')">a</a>`,
];
// Bot and agent text may carry **bold**: its asterisks are markup, everything else is text.
const asRendered = (payload) => payload.replace(/\*\*([^*]+?)\*\*/g, '$1');
const AGENT_NAME = `<img src=x onerror=__xss('name')>`;

// A knowledge base whose answers are the payloads: the bot renders KB text as rich text.
const WORDS = ['apple', 'banana', 'cherry', 'damson', 'elder', 'fig', 'grape', 'guava', 'kiwi', 'lemon', 'mango', 'melon', 'olive', 'peach', 'pear', 'plum'];
const kbDir = mkdtempSync(join(tmpdir(), 'kefu-xss-kb-'));
const kbPath = join(kbDir, 'xss.json');
writeFileSync(
  kbPath,
  JSON.stringify({ name: 'xss', faqs: PAYLOADS.map((answer, i) => ({ id: `xss-${i}`, question: `Where can I buy ${WORDS[i]} juice?`, answer })) }),
);

const world = useKefuWorld({ site: { knowledgeBase: kbPath }, config: { limits: { visitorBurst: 200, visitorPerMinute: 600 } } });

// Every element and attribute the widget made, checked for anything that could run.
function auditShadowRoot() {
  const root = document.querySelector('kefu-chat').shadowRoot;
  const findings = [];
  for (const element of root.querySelectorAll('*')) {
    if (/^(script|img|svg|iframe|object|embed|math|style|link)$/i.test(element.tagName)) findings.push(`element <${element.tagName}>`);
    for (const attribute of element.attributes) {
      if (/^on/i.test(attribute.name)) findings.push(`attribute ${attribute.name} on <${element.tagName}>`);
    }
  }
  for (const anchor of root.querySelectorAll('a')) {
    if (!/^(https?|mailto|tel):$/.test(new URL(anchor.href).protocol)) findings.push(`link to ${anchor.href}`);
    if (/["'<>\s]/.test(anchor.getAttribute('href'))) findings.push(`href with a quote or space: ${anchor.getAttribute('href')}`);
  }
  for (const bubble of root.querySelectorAll('.bubble')) {
    for (const child of bubble.querySelectorAll('*')) if (!/^(a|strong|br)$/i.test(child.tagName)) findings.push(`<${child.tagName}> in a message`);
  }
  return findings;
}

test('XSS payloads as KB answers, visitor text, agent text and agent name stay inert text', async () => {
  const agent = await AgentClient.login(world.server, AGENT_NAME);
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  const welcomed = conversationIdOf(page);
  // No CSP on this page: if any payload became markup, it would run.
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'xss.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><script>
  window.__xssHits = [];
  window.__xss = function (tag) { window.__xssHits.push(tag); };
</script><script async src="/kefu/kefu-loader.js" data-site-id="demo" data-locale="en"></script></head><body></body></html>`,
    { csp: null },
  );
  await page.goto(url);
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  const conversationId = await welcomed;

  for (let i = 0; i < PAYLOADS.length; i += 1) await page.evaluate((text) => window.Kefu('send', text), `Where can I buy ${WORDS[i]} juice?`);
  await page.waitForFunction((n) => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.bot').length === n, PAYLOADS.length);
  const botTexts = await page.$$eval('kefu-chat >> .messages li.bot .bubble', (bubbles) => bubbles.map((bubble) => bubble.textContent));
  assert.deepEqual(botTexts, PAYLOADS.map(asRendered), 'every KB answer is shown as the text it is');

  await page.click('kefu-chat >> button.handoff');
  await page.waitForSelector('kefu-chat >> .panel[data-phase=queued]');
  await agent.request({ type: 'accept', conversationId });
  await page.waitForSelector('kefu-chat >> .panel[data-phase=with_agent]');
  for (const payload of PAYLOADS) await page.evaluate((text) => window.Kefu('send', text), payload);
  for (const payload of PAYLOADS) await agent.request({ type: 'message', conversationId, text: payload });
  await agent.request({ type: 'typing', conversationId, on: true });
  await page.waitForFunction((n) => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.agent').length === n, PAYLOADS.length);
  await page.waitForFunction((n) => document.querySelector('kefu-chat').shadowRoot.querySelectorAll('.messages li.visitor [data-delivery=delivered]').length >= n, PAYLOADS.length * 2);

  const shown = await page.$$eval('kefu-chat >> .messages li.visitor .bubble', (bubbles) => bubbles.map((bubble) => bubble.textContent));
  assert.deepEqual(shown.slice(PAYLOADS.length), PAYLOADS, 'the visitor sees exactly what they typed');
  const agentTexts = await page.$$eval('kefu-chat >> .messages li.agent .bubble', (bubbles) => bubbles.map((bubble) => bubble.textContent));
  assert.deepEqual(agentTexts, PAYLOADS.map(asRendered));
  assert.equal(await page.textContent('kefu-chat >> .subtitle'), `You are chatting with ${AGENT_NAME}`);
  assert.match(await page.textContent('kefu-chat >> .status'), /^<img src=x onerror=__xss\('name'\)> is typing/);
  assert.match(await page.textContent('kefu-chat >> .messages li.agent .meta'), /^<img src=x onerror=__xss\('name'\)> · /);
  // Hovering and focusing every link is where attribute breakouts would fire.
  for (const link of await page.$$('kefu-chat >> .messages a')) await link.hover();

  assert.deepEqual(await page.evaluate(auditShadowRoot), []);
  assert.deepEqual(await page.evaluate(() => window.__xssHits), []);
  assert.deepEqual(problems, []);
  agent.close();
  await page.close();
});

test('the audit finds what it must: markup injected into the shadow root is reported', async () => {
  const page = await world.browser.newPage();
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'audit.html', '<!doctype html><title>t</title><body></body>', { csp: null }));
  const findings = await page.evaluate((audit) => {
    const host = document.body.appendChild(document.createElement('kefu-chat'));
    const root = host.attachShadow({ mode: 'open' });
    const bubble = root.appendChild(document.createElement('div'));
    bubble.className = 'bubble';
    const image = bubble.appendChild(document.createElement('img'));
    image.setAttribute('onerror', 'x');
    const link = bubble.appendChild(document.createElement('a'));
    link.setAttribute('href', 'javascript:void(0)');
    return new Function(`return (${audit})()`)(); // test-side only: the page has no CSP
  }, auditShadowRoot.toString());
  assert.deepEqual(findings.sort(), ['<IMG> in a message', 'attribute onerror on <IMG>', 'element <IMG>', 'link to javascript:void(0)'].sort());
  await page.close();
});
