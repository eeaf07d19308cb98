import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, watchPage } from './chromium.js';

const shared = useServerAndBrowser();

// Until the widget bundle exists the loader's idle-time fetch of it fails; that failure
// is itself checked below (it must surface as an `error` event, not break the page).
const withoutMissingWidget = (problems) => problems.filter((problem) => !/HTTP 404: .*\/dist\/kefu-widget\.js$/.test(problem));

const launcherLabel = (page) =>
  page.waitForFunction(() => document.querySelector('kefu-chat')?.shadowRoot?.querySelector('button.launcher')?.getAttribute('aria-label'));

test('on a strict-CSP page the loader boots from data attributes with no violations', async () => {
  const page = await shared.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(`${shared.server.url}/examples/host-pages/strict-csp.html`);
  assert.equal(await (await launcherLabel(page)).jsonValue(), '在线客服');
  // The launcher is styled (constructable stylesheet), not a bare button.
  const size = await page.evaluate(() => {
    const box = document.querySelector('kefu-chat').shadowRoot.querySelector('button').getBoundingClientRect();
    return [Math.round(box.width), Math.round(box.height)];
  });
  assert.deepEqual(size, [56, 56]);
  await page.evaluate(() => window.Kefu('hide'));
  assert.equal(await page.evaluate(() => document.querySelector('kefu-chat').hidden), true);
  await page.waitForTimeout(200);
  assert.deepEqual(withoutMissingWidget(problems), []);
  await page.close();
});

test('the inline snippet queues calls before the loader arrives; they run in order', async () => {
  const page = await shared.browser.newPage();
  const problems = await watchPage(page);
  await page.goto(`${shared.server.url}/examples/host-pages/no-csp/snippet.html`);
  assert.equal(await (await launcherLabel(page)).jsonValue(), '線上客服');
  assert.equal(await page.evaluate(() => typeof window.Kefu.version), 'string');
  // Booting again, or running the loader twice, changes nothing.
  await page.evaluate(() => window.Kefu('boot', { siteId: 'other' }));
  await page.addScriptTag({ url: '/dist/kefu-loader.js' });
  assert.equal(await page.evaluate(() => document.querySelectorAll('kefu-chat').length), 1);
  // The widget is fetched on idle; its absence is reported through the queued listener.
  await page.waitForFunction(() => (window.kefuErrors || []).includes('widget_load_failed'), null, { timeout: 10_000 });
  assert.deepEqual(withoutMissingWidget(problems), []);
  await page.close();
});
