// The script-tag loader (bundled to dist/kefu-loader.js). It installs `window.Kefu`,
// replays calls queued by the inline snippet, paints the launcher at `boot`, and
// fetches the widget (and through it the wasm core) on idle or first open.
//
// Snippet:  <script>…dist/kefu-snippet.js… Kefu('boot', {siteId: 'acme'});</script>
//           <script async src="https://…/kefu-loader.js"></script>
// The snippet may have painted the launcher already (Kefu.l); it is adopted, not painted
// twice. Strict-CSP pages may skip the inline part and boot from the data attributes.
import { createCommandApi } from './command-api.js';
import { showLauncher } from './launcher.js';
import { scheduleIdle } from './schedule-idle.js';

const LOADER_VERSION = '0.1.0';

(function installKefu(win, doc) {
  if (win.Kefu?.version) return; // the loader ran already
  const queued = win.Kefu?.q || [];
  let paintedBySnippet = win.Kefu?.l;
  const script = doc.currentScript;
  // The widget, its stylesheet and the core live in a folder named after their bytes
  // (scripts/bundle.mjs defines KEFU_ASSET_VERSION), cached for good; only this loader
  // is revalidated, so an upgrade reaches the next page view.
  const base = new URL(`v/${KEFU_ASSET_VERSION}/`, script?.src || doc.baseURI).href;
  const widgetUrl = base + 'kefu-widget.js';
  const api = createCommandApi({
    loadWidget: () => import(/* webpackIgnore: true */ widgetUrl),
    showLauncher(config, onActivate) {
      // Only the first boot may adopt it: after a shutdown it is gone from the page.
      const painted = paintedBySnippet;
      paintedBySnippet = null;
      if (painted?.host.isConnected) {
        painted.button.onclick = onActivate;
        return painted;
      }
      return showLauncher({ stylesheetUrl: base + 'kefu-widget.css', ...config }, onActivate, doc);
    },
    scheduleIdle,
  });
  // The widget finds the wasm core in the same folder (assetBase), unless told otherwise.
  function Kefu(name, ...args) {
    api.run(name, name === 'boot' ? [{ assetBase: base, ...args[0] }] : args);
  }
  Kefu.version = LOADER_VERSION;
  win.Kefu = Kefu;
  for (const args of queued) Kefu(...args);

  // data-site-id, data-server-url, data-locale: boot without any inline script.
  if (script?.dataset.siteId) {
    const boot = () => Kefu('boot', { ...script.dataset });
    doc.body ? boot() : doc.addEventListener('DOMContentLoaded', boot);
  }
})(window, document);
