// The one timer the session core asks for (`wake {at}`): a newer wake replaces the
// older one, `at: 0` cancels. Browsers clamp long timeouts and throttle background
// tabs, so the callback may come late; the core is told the real time when it does.

// setTimeout overflows past 2^31 - 1 ms (about 24.8 days) and fires at once.
const MAX_DELAY_MS = 2 ** 31 - 1;

export class WakeTimer {
  #handle = null;
  #onWake;
  #clock;

  /** @param {() => void} onWake @param {{now: () => number, setTimeout: Function, clearTimeout: Function}} [clock] */
  constructor(onWake, clock = { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h) }) {
    this.#onWake = onWake;
    this.#clock = clock;
  }

  /** @param {number} at epoch ms; 0 cancels */
  set(at) {
    this.cancel();
    if (!at) return;
    const delay = Math.min(Math.max(0, at - this.#clock.now()), MAX_DELAY_MS);
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = null;
      this.#onWake();
    }, delay);
  }

  get pending() {
    return this.#handle !== null;
  }

  cancel() {
    if (this.#handle !== null) this.#clock.clearTimeout(this.#handle);
    this.#handle = null;
  }
}
