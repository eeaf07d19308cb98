import { KefuError } from './kefu-error.js';

const liveCounts = new Map();

// Backstop for callers who forget dispose(): the wasm-side object is freed when its JS
// wrapper is collected. The held value is the raw handle, never the wrapper, so the
// registry does not keep the wrapper alive.
const handleRegistry = new FinalizationRegistry(({ rawHandle, kind }) => {
  liveCounts.set(kind, liveCounts.get(kind) - 1);
  rawHandle.delete();
});

/**
 * One Embind handle owned by one JS object: `dispose()` frees it now, the
 * FinalizationRegistry frees it if the owner is dropped, and use after dispose is a
 * KefuError('disposed'). FaqEngine and ChatSession extend it.
 */
export class CoreHandle {
  #raw;
  #kind;

  constructor(rawHandle, kind) {
    this.#raw = rawHandle;
    this.#kind = kind;
    liveCounts.set(kind, (liveCounts.get(kind) ?? 0) + 1);
    handleRegistry.register(this, { rawHandle, kind }, this);
  }

  /** Frees the wasm memory now. Safe to call twice; any later call throws `disposed`. */
  dispose() {
    if (!this.#raw) return;
    handleRegistry.unregister(this);
    this.#raw.delete();
    this.#raw = null;
    liveCounts.set(this.#kind, liveCounts.get(this.#kind) - 1);
  }

  get disposed() {
    return this.#raw === null;
  }

  /** The raw handle, for subclasses; throws once disposed. */
  get raw() {
    if (!this.#raw) throw new KefuError('disposed', `this ${this.#kind} was disposed`);
    return this.#raw;
  }

  /** How many handles of this kind hold wasm memory now (leak tests, diagnostics). */
  static liveCount(kind) {
    return liveCounts.get(kind) ?? 0;
  }
}
