// The widget entry point the loader imports (bundled to dist/kefu-widget.js). It fills
// the launcher's shadow root with the chat panel; see ChatWidget.
import { ChatWidget } from './chat-widget.js';

/**
 * @param {{config: object, host: HTMLElement, root: ShadowRoot, launcher: object, emit: (event: string, detail?: object) => void}} options
 * @returns {{command: (name: string, args?: any[]) => void, destroy: () => void}}
 */
export function mount(options) {
  const widget = new ChatWidget(options);
  return { command: (name, args) => widget.command(name, args), destroy: () => widget.destroy() };
}
