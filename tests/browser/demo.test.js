import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { useServerAndBrowser, watchPage } from './chromium.js';

const shared = useServerAndBrowser();

test('the demo page loads the wasm core under a strict CSP and answers a question', async () => {
  const page = await shared.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(`${shared.server.url}/examples/demo/`);
  await page.waitForSelector('#question:not([disabled])', { timeout: 15_000 });

  await page.fill('#question', '忘记密码了怎么办');
  await page.press('#question', 'Enter');
  await page.waitForSelector('#reply:not([hidden])');
  assert.equal(await page.getAttribute('#reply', 'data-faq-id'), 'reset-password');
  assert.equal(await page.getAttribute('#reply', 'data-tier'), 'answer');
  assert.match(await page.textContent('#answer'), /忘记密码/);

  await page.fill('#question', 'How do I get a refund?');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.getElementById('reply').dataset.faqId === 'refund');

  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/demo-answer.png' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a server that sends the wasm with the wrong MIME type still works (ArrayBuffer fallback)', async () => {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  let wasmRequests = 0;
  await page.route('**/*.wasm', async (route) => {
    wasmRequests += 1;
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
  });
  const problems = await watchPage(page);
  await page.goto(`${shared.server.url}/examples/demo/`);
  await page.waitForSelector('#question:not([disabled])', { timeout: 15_000 });
  await page.fill('#question', '怎么退款');
  await page.press('#question', 'Enter');
  await page.waitForFunction(() => document.getElementById('reply').dataset.faqId === 'refund');
  // One failed streaming attempt, then the ArrayBuffer download.
  assert.equal(wasmRequests, 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a missing wasm file shows an error instead of hanging', async () => {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`${shared.server.url}/examples/demo/`);
  await page.waitForFunction(() => /core_load_failed/.test(document.getElementById('status').textContent), null, { timeout: 15_000 });
  await context.close();
});
