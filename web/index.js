// `import {boot, open, on} from 'kefu'`: the same commands as the script-tag snippet,
// for sites that bundle their JavaScript. The launcher appears at boot; the widget and
// the wasm core load on idle or first open, as a separate chunk in the site's bundle.
// The core API (FaqEngine, ChatSession) is `kefu/core`.
import { createCommandApi } from './embed/command-api.js';
import { showLauncher } from './embed/launcher.js';
import { scheduleIdle } from './embed/schedule-idle.js';
import { resolveEndpoints } from './widget/endpoints.js';

let api = null;

function run(name, args) {
  api ??= createCommandApi({
    loadWidget: () => import('./widget/kefu-widget.js'),
    showLauncher: (config, onActivate) => showLauncher({ stylesheetUrl: resolveEndpoints(config, document.baseURI).stylesheetUrl, ...config }, onActivate, document),
    scheduleIdle,
  });
  api.run(name, args);
}

/** Starts Kefu: paints the launcher at once. A second boot is ignored until shutdown(). */
export const boot = (options) => run('boot', [options]);
export const open = () => run('open', []);
export const close = () => run('close', []);
export const toggle = () => run('toggle', []);
export const show = () => run('show', []);
export const hide = () => run('hide', []);
export const identify = (identity) => run('identify', [identity]);
export const send = (text) => run('send', [text]);
export const update = (options) => run('update', [options]);
export const setLocale = (locale) => run('setLocale', [locale]);
export const prefill = (text) => run('prefill', [text]);
export const newConversation = () => run('newConversation', []);
/** Resolves once the widget has loaded (on idle or first open). */
export const getState = () => new Promise((resolve) => run('getState', [resolve]));
export const on = (event, listener) => run('on', [event, listener]);
export const off = (event, listener) => run('off', [event, listener]);
export const shutdown = () => run('shutdown', []);
