// The launcher button, painted by the loader the moment `boot` runs, before any
// widget code or the wasm core is fetched. Its host element is the one the widget
// later fills, so opening the chat never moves anything on the page. Every byte here
// counts against the loader's 2 KB gzip budget.

const LAUNCHER_LABELS = { 'zh-CN': '在线客服', 'zh-TW': '線上客服', en: 'Chat with us' };

// Custom properties are the theme surface (documented in docs/embedding.md). Class
// names need no prefix: the shadow root keeps them apart from the host page's.
export const LAUNCHER_CSS =
  ':host{all:initial;position:fixed;z-index:2147483000;right:max(20px,env(safe-area-inset-right));bottom:max(20px,env(safe-area-inset-bottom))}:host(.left){left:max(20px,env(safe-area-inset-left));right:auto}' +
  '.launcher{width:56px;height:56px;border:0;border-radius:50%;background:var(--kefu-accent,#1664ff);color:var(--kefu-on-accent,#fff);box-shadow:0 4px 16px #0003;cursor:pointer;display:grid;place-items:center;position:relative;padding:0}' +
  '.launcher:focus-visible{outline:3px solid var(--kefu-focus,#ffb000);outline-offset:3px}.launcher:before{content:"";width:26px;height:20px;border-radius:9px 9px 9px 2px;background:currentColor}' +
  '.badge{position:absolute;top:-4px;right:-4px;min-width:20px;padding:0 6px;box-sizing:border-box;border-radius:10px;background:var(--kefu-badge,#f53f3f);color:#fff;font:600 12px/20px sans-serif}[hidden]{display:none}';

/** zh-TW for Taiwan, Hong Kong, Macau and Hant tags; zh-CN for other Chinese; else en. */
export function pickLocale(tag) {
  const lower = String(tag || globalThis.navigator?.language || 'en').toLowerCase();
  return /^zh-(tw|hk|mo|hant)/.test(lower) ? 'zh-TW' : lower.startsWith('zh') ? 'zh-CN' : 'en';
}

// Constructable stylesheets are not subject to style-src, so a strict CSP host page
// accepts them; older engines get a <link> to the stylesheet beside the loader.
export function adoptStyles(root, cssText, fallbackHref) {
  if (root.adoptedStyleSheets && CSSStyleSheet.prototype.replaceSync) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(cssText);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else if (fallbackHref) {
    root.append(Object.assign(root.ownerDocument.createElement('link'), { rel: 'stylesheet', href: fallbackHref }));
  }
}

export function showLauncher(config, onActivate, doc = document) {
  const host = doc.createElement('kefu-chat');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, LAUNCHER_CSS, config.stylesheetUrl);
  const locale = pickLocale(config.locale);
  host.lang = locale;
  host.className = config.position || ''; // "left" moves it (and the panel) to the left corner

  const button = Object.assign(doc.createElement('button'), { type: 'button', className: 'launcher', onclick: onActivate });
  button.setAttribute('aria-label', LAUNCHER_LABELS[locale]);
  const badge = Object.assign(doc.createElement('span'), { className: 'badge', hidden: true });
  button.append(badge); // the speech-bubble icon is the button's ::before
  root.append(button);
  (doc.body || doc.documentElement).append(host); // a cached loader can run before <body> exists

  return {
    host,
    root,
    button,
    // Only the button: a site with its own launcher still opens the panel (`hide`, then `open`).
    setVisible(visible) {
      button.hidden = !visible;
    },
    setUnread(count) {
      badge.hidden = !(count > 0);
      badge.textContent = count > 99 ? '99+' : count;
    },
    remove() {
      host.remove();
    },
  };
}
