// The inline snippet (bundled to dist/kefu-snippet.js; the host page pastes it inside a
// <script> tag, before the loader's <script async>). It defines the command queue and
// paints the launcher at `boot`, so the launcher is in the page's first frame instead of
// waiting for the loader's request; the loader adopts that launcher and replays the queue.
//
// Its text never changes with the site's settings (they come from `Kefu('boot', …)` or the
// tag's data attributes), so a strict-CSP page can allow it by hash: docs/embedding.md.
import { showLauncher } from './launcher.js';

(function installSnippet(win, doc) {
  if (win.Kefu) return; // pasted twice, or the loader is already here
  const script = doc.currentScript;
  function Kefu(name, config) {
    (Kefu.q = Kefu.q || []).push(arguments);
    // Without constructable stylesheets the launcher would be an unstyled button; the
    // loader paints it then, with its <link> fallback.
    if (name === 'boot' && !Kefu.l && config?.siteId && 'adoptedStyleSheets' in doc) {
      Kefu.l = showLauncher(config, () => Kefu('toggle'), doc);
    }
  }
  win.Kefu = Kefu;
  if (script?.dataset.siteId) Kefu('boot', { ...script.dataset });
})(window, document);
