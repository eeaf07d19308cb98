// The embedding API behind both `Kefu('command', ...)` (script tag) and the ES module
// exports. Commands made before the widget code has loaded are kept and replayed in
// order; booting twice is harmless; `shutdown` returns to the state before `boot`.

// Events: ready, open, close, message, unread, handoff, error. Commands other than
// boot/on/off/shutdown/show/hide are the widget's to validate once it has loaded:
// the loader stays within its 2 KB budget by not knowing them.
// These need the widget now; anything else may wait for the idle-time load.
const LOAD_NOW = new Set(['open', 'toggle', 'send']);

/**
 * @param {{
 *   loadWidget: () => Promise<{mount: (options: object) => {command: (name: string, args: any[]) => void, destroy: () => void}}>,
 *   showLauncher: (config: object, onActivate: () => void) => {setVisible: (visible: boolean) => void, remove: () => void, host: Element, root: ShadowRoot},
 *   scheduleIdle: (callback: () => void) => () => void,
 * }} environment
 */
export function createCommandApi({ loadWidget, showLauncher, scheduleIdle }) {
  const listeners = {};
  let config = null;
  let launcher = null;
  let widget = null;
  let loading = null;
  let cancelIdleLoad = null;
  let pending = [];
  let generation = 0; // bumps on shutdown so a late widget load from an old boot is dropped

  function emit(event, detail) {
    for (const listener of listeners[event] ?? []) {
      try {
        listener(detail);
      } catch (error) {
        // A host page's listener must not break the widget; report it and move on.
        if (event !== 'error') emit('error', { code: 'listener_failed', message: String(error) });
      }
    }
  }

  function ensureWidget() {
    if (loading || !config) return loading;
    const bootGeneration = generation;
    cancelIdleLoad?.();
    loading = loadWidget()
      .then((module) => {
        if (bootGeneration !== generation) return;
        widget = module.mount({ config, host: launcher.host, root: launcher.root, launcher, emit });
        const queued = pending;
        pending = [];
        for (const [name, args] of queued) widget.command(name, args);
      })
      .catch((error) => {
        loading = null; // the next open retries
        // A click that found nothing to open is not replayed later: two toggles would
        // open and close at once when the retry succeeds.
        pending = pending.filter(([name]) => !/^(open|close|toggle)$/.test(name));
        emit('error', { code: 'widget_load_failed', message: String(error) });
      });
    return loading;
  }

  function boot(options) {
    if (config) return; // booting twice is harmless
    if (typeof options?.siteId !== 'string' || !options.siteId) {
      emit('error', { code: 'invalid_boot', message: 'boot needs siteId' });
      return;
    }
    config = { ...options };
    launcher = showLauncher(config, () => run('toggle', []));
    cancelIdleLoad = scheduleIdle(() => ensureWidget());
  }

  function shutdown() {
    if (!config) return;
    generation += 1;
    cancelIdleLoad?.();
    widget?.destroy();
    launcher?.remove();
    config = launcher = widget = loading = cancelIdleLoad = null;
    pending = [];
  }

  function run(name, args) {
    if (name === 'on' || name === 'off') {
      const [event, listener] = args;
      if (typeof listener === 'function') (listeners[event] ??= new Set())[name === 'on' ? 'add' : 'delete'](listener);
      return;
    }
    if (name === 'boot') return boot(args[0]);
    if (name === 'shutdown') return shutdown();
    if (!config) {
      pending.push([name, args]); // before boot: replayed once booted and loaded
      return;
    }
    if (name === 'show' || name === 'hide') launcher.setVisible(name === 'show');
    if (widget) {
      widget.command(name, args);
      return;
    }
    pending.push([name, args]);
    if (LOAD_NOW.has(name)) ensureWidget();
  }

  return { run };
}
