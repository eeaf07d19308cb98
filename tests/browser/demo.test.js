import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { launchChromium, watchPage } from './chromium.js';

let server;
let browser;

before(async () => {
  server = await startStaticServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the demo page loads the wasm core under a strict CSP and answers a question', async () => {
  const page = await browser.newPage();
  const problems = await watchPage(page);
  await page.goto(`${server.url}/examples/demo/`);
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
