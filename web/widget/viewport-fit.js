// On phones the panel fills the screen. When the on-screen keyboard opens, 100dvh
// still includes the area under it in some browsers (iOS Safari, WeChat's webview), so
// the visible height and offset from visualViewport are written to a custom property,
// in a constructable stylesheet of our own: a `style` attribute would break strict CSP.

export class ViewportFit {
  #sheet = null;
  #viewport;
  #update = () => this.#write();

  /** @param {ShadowRoot} root */
  constructor(root) {
    this.#viewport = globalThis.visualViewport;
    if (!this.#viewport || !root.adoptedStyleSheets || !CSSStyleSheet.prototype.replaceSync) return;
    this.#sheet = new CSSStyleSheet();
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.#sheet];
    this.#viewport.addEventListener('resize', this.#update);
    this.#viewport.addEventListener('scroll', this.#update);
    this.#write();
  }

  #write() {
    const { height, offsetTop } = this.#viewport;
    this.#sheet.replaceSync(`:host{--kefu-viewport-height:${Math.round(height)}px;--kefu-viewport-top:${Math.round(offsetTop)}px}`);
  }

  stop() {
    this.#viewport?.removeEventListener('resize', this.#update);
    this.#viewport?.removeEventListener('scroll', this.#update);
  }
}
