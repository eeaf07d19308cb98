// Debian's Chromium driven by playwright-core: no browser download, ever.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../../scripts/static-server.mjs';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  // This machine's network is closed; without these Chromium keeps dialling out.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Host pages the tests fulfil through Playwright routing have no IP address space, so
  // Chromium would treat them as public sites reaching into localhost and block the
  // widget's socket to the local test server. Real pages come from a real address.
  '--disable-features=LocalNetworkAccessChecks',
];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.KEFU_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

// Collects CSP violations and uncaught errors from the moment the page starts.
export async function watchPage(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are reported below with their URL, which says more.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.exposeFunction('__kefuReportViolation', (text) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__kefuReportViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return problems;
}

// A page in its own context (its own cookies: one console login per page), watched from
// its start.
export async function watchedPage(browser, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page, problems: await watchPage(page) };
}

// One static server and one browser per test file; the returned object is filled in
// by the time the tests run.
export function useServerAndBrowser() {
  const shared = { server: null, browser: null };
  before(async () => {
    shared.server = await startStaticServer();
    shared.browser = await launchChromium();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}
