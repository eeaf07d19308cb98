import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchPage } from './chromium.js';
import { STRICT_CSP } from '../../scripts/static-server.mjs';
import { embedCode, snippetCode, snippetCspSource } from '../../scripts/snippet.mjs';
import { dataAttributePage, routeHostPage, useKefuWorld, widgetOnline } from './kefu-server.js';

const world = useKefuWorld();

const launcherLabel = (page) =>
  page.waitForFunction(() => document.querySelector('kefu-chat')?.shadowRoot?.querySelector('button.launcher')?.getAttribute('aria-label'));

test('on a strict-CSP page the loader boots from data attributes with no violations', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(await routeHostPage(page, world.server.httpUrl, 'strict.html', dataAttributePage({ locale: 'zh-CN' })));
  assert.equal(await (await launcherLabel(page)).jsonValue(), '在线客服');
  // The launcher is styled (constructable stylesheet), not a bare button.
  const size = await page.evaluate(() => {
    const box = document.querySelector('kefu-chat').shadowRoot.querySelector('button').getBoundingClientRect();
    return [Math.round(box.width), Math.round(box.height)];
  });
  assert.deepEqual(size, [56, 56]);
  await page.evaluate(() => window.Kefu('hide'));
  // The launcher goes; the host stays, so open() from the site's own button still shows the panel.
  assert.equal(await page.isVisible('kefu-chat >> button.launcher'), false);
  // Nobody opened the chat: the widget and the core still arrive once the browser is idle.
  await widgetOnline(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the inline snippet paints the launcher before the loader arrives; a click then opens the panel once it has', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  let releaseLoader;
  const loaderHeld = new Promise((resolve) => (releaseLoader = resolve));
  await page.route('**/kefu/kefu-loader.js', async (route) => {
    await loaderHeld;
    await route.fallback();
  });
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'held-loader.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><script>
  ${snippetCode()}
  Kefu('on', 'open', function () { window.kefuOpened = (window.kefuOpened || 0) + 1; });
  Kefu('boot', { siteId: 'demo', locale: 'zh-CN' });
</script><script async src="/kefu/kefu-loader.js"></script></head><body><h1>Shop</h1></body></html>`,
    { csp: null },
  );
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  assert.equal(await (await launcherLabel(page)).jsonValue(), '在线客服');
  assert.equal(await page.evaluate(() => window.Kefu.version), undefined, 'the loader has not run yet');
  const size = await page.evaluate(() => {
    const box = document.querySelector('kefu-chat').shadowRoot.querySelector('button').getBoundingClientRect();
    return [Math.round(box.width), Math.round(box.height)];
  });
  assert.deepEqual(size, [56, 56], 'styled by the snippet, not a bare button');
  await page.click('kefu-chat >> button.launcher');
  releaseLoader();
  await widgetOnline(page);
  await page.waitForFunction(() => window.kefuOpened === 1);
  assert.equal(await page.isVisible('kefu-chat >> .panel'), true);
  // The loader adopted the snippet's launcher: one element, and its button now toggles.
  assert.equal(await page.evaluate(() => document.querySelectorAll('kefu-chat').length), 1);
  await page.evaluate(() => window.Kefu('close'));
  await page.click('kefu-chat >> button.launcher');
  await page.waitForFunction(() => window.kefuOpened === 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a strict-CSP page that allows the snippet by its hash gets the early launcher with no violations', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  const csp = STRICT_CSP.replace("script-src 'self'", `script-src 'self' ${snippetCspSource()}`);
  assert.notEqual(csp, STRICT_CSP);
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'strict-snippet.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
${embedCode({ siteId: 'demo', locale: 'zh-TW' })}</head><body><h1>Shop</h1></body></html>`,
    { csp },
  );
  await page.goto(url);
  assert.equal(await (await launcherLabel(page)).jsonValue(), '線上客服');
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  assert.equal(await page.isVisible('kefu-chat >> .panel'), true);
  assert.equal(await page.evaluate(() => document.querySelectorAll('kefu-chat').length), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a widget that fails to load is reported as an error event; the next open retries and succeeds', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  let failWidget = true;
  await page.route('**/kefu/v/*/kefu-widget.js', (route) => (failWidget ? route.fulfill({ status: 503, body: 'busy' }) : route.fallback()));
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'snippet.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><script>
  window.Kefu = window.Kefu || function () { (Kefu.q = Kefu.q || []).push(arguments); };
  Kefu('on', 'error', function (error) { (window.kefuErrors = window.kefuErrors || []).push(error.code); });
  Kefu('boot', { siteId: 'demo', locale: 'zh-TW' });
</script><script async src="/kefu/kefu-loader.js"></script></head><body><h1>Shop</h1></body></html>`,
    { csp: null },
  );
  await page.goto(url);
  assert.equal(await (await launcherLabel(page)).jsonValue(), '線上客服');
  await page.click('kefu-chat >> button.launcher');
  await page.waitForFunction(() => (window.kefuErrors || []).includes('widget_load_failed'), null, { timeout: 10_000 });
  failWidget = false;
  await page.click('kefu-chat >> button.launcher');
  await widgetOnline(page);
  assert.equal(await page.isVisible('kefu-chat >> .panel'), true);
  assert.deepEqual(problems.filter((problem) => !/HTTP 503: .*kefu-widget\.js$/.test(problem)), []);
  await page.close();
});

test('a broken knowledge base silences the bot but not the chat: reported for each load, messages still delivered', async () => {
  const page = await world.browser.newPage();
  const problems = await watchPage(page);
  // Broken wherever the widget looks: the pointer, and the version welcome names.
  for (const pattern of ['**/kb/demo.kfi', '**/kb/demo/*.kfi']) await page.route(pattern, (route) => route.fulfill({ contentType: 'application/json', body: '{"faqs": [' }));
  const url = await routeHostPage(
    page,
    world.server.httpUrl,
    'broken-kb.html',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title><script>
  window.Kefu = window.Kefu || function () { (Kefu.q = Kefu.q || []).push(arguments); };
  Kefu('on', 'error', function (error) { (window.kefuErrors = window.kefuErrors || []).push(error.code); });
  Kefu('boot', { siteId: 'demo', locale: 'en' });
  Kefu('open');
</script><script async src="/kefu/kefu-loader.js"></script></head><body><h1>Shop</h1></body></html>`,
    { csp: null },
  );
  await page.goto(url);
  await widgetOnline(page);
  await page.fill('kefu-chat >> textarea', 'How do I reset my password?');
  await page.keyboard.press('Enter');
  await page.waitForSelector('kefu-chat >> .messages li.visitor [data-delivery=delivered]', { state: 'attached' });
  assert.equal(await page.$$eval('kefu-chat >> .messages li.bot', (items) => items.length), 0, 'no local bot answer without a knowledge base');
  // The page's index, then the version the welcome named (the widget tries it, as it would
  // a version published while the page is open): each load that failed, once.
  assert.deepEqual(await page.evaluate(() => window.kefuErrors), ['kb_invalid_json', 'kb_invalid_json']);
  assert.deepEqual(problems, []);
  await page.close();
});
