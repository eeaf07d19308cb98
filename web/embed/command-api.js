// The embedding API behind both `Kefu('command', ...)` (script tag) and the ES module
// exports. Commands made before the widget code has loaded are kept and replayed in
// order; booting twice is harmless; `shutdown` returns to the state before `boot`.

export const EVENTS = ['ready', 'open', 'close', 'message', 'unread', 'handoff', 'error'];
const COMMANDS = ['boot', 'open', 'close', 'toggle', 'show', 'hide', 'identify', 'send', 'on', 'off', 'shutdown'];
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
  const listeners = new Map(EVENTS.map((event) => [event, new Set()]));
  let config = null;
  let launcher = null;
  let widget = null;
  let loading = null;
  let cancelIdleLoad = null;
  let pending = [];
  let generation = 0; // bumps on shutdown so a late widget load from an old boot is dropped

  function emit(event, detail) {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        // A host page's listener must not break the widget; report it and move on.
        if (event !== 'error') emit('error', { code: 'listener_failed', message: String(error?.message ?? error) });
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
        emit('error', { code: 'widget_load_failed', message: String(error?.message ?? error) });
      });
    return loading;
  }

  function boot(options) {
    if (config) return; // booting twice is harmless
    if (!options || typeof options !== 'object' || typeof options.siteId !== 'string' || options.siteId === '') {
      emit('error', { code: 'invalid_boot', message: "Kefu('boot') needs {siteId}" });
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
    if (!COMMANDS.includes(name)) {
      emit('error', { code: 'unknown_command', message: `unknown Kefu command "${name}"` });
      return;
    }
    if (name === 'on' || name === 'off') {
      const [event, listener] = args;
      if (listeners.has(event) && typeof listener === 'function') listeners.get(event)[name === 'on' ? 'add' : 'delete'](listener);
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

  return {
    run,
    /** For tests and diagnostics. */
    get state() {
      return { booted: Boolean(config), loaded: Boolean(widget), pending: pending.length };
    },
  };
}
