// Slows console logins that keep failing, per key (server/accounts/console-accounts.js
// uses the client address and the username): after `freeFailures` wrong passwords, each
// further one locks the key out for twice as long as the last (from `baseDelayMs` up to
// `maxDelayMs`), and an attempt during a lock-out is refused without looking at the
// password, so guessing runs at one try per lock-out at best. A success, or a quiet
// `maxDelayMs` since the last failure, starts the count over.
export class LoginBackoff {
  #freeFailures;
  #baseDelayMs;
  #maxDelayMs;
  #maxKeys;
  #entries = new Map(); // key -> {failures, lastFailureAt, lockedUntil}

  constructor({ freeFailures, baseDelayMs, maxDelayMs, maxKeys = 100_000 }) {
    this.#freeFailures = freeFailures;
    this.#baseDelayMs = baseDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#maxKeys = maxKeys;
  }

  /** 0 when the key may try now, else how many ms until it may. */
  retryAfterMs(address, now) {
    const entry = this.#current(address, now);
    return entry ? Math.max(0, entry.lockedUntil - now) : 0;
  }

  failed(address, now) {
    let entry = this.#current(address, now);
    if (!entry) {
      if (this.#entries.size >= this.#maxKeys) this.#sweep(now);
      entry = { failures: 0, lastFailureAt: now, lockedUntil: 0 };
      this.#entries.set(address, entry);
    }
    entry.failures += 1;
    entry.lastFailureAt = now;
    const over = entry.failures - this.#freeFailures;
    if (over > 0) entry.lockedUntil = now + Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (over - 1));
  }

  succeeded(address) {
    this.#entries.delete(address);
  }

  #current(address, now) {
    const entry = this.#entries.get(address);
    if (entry && now >= entry.lockedUntil && now - entry.lastFailureAt >= this.#maxDelayMs) {
      this.#entries.delete(address);
      return null;
    }
    return entry ?? null;
  }

  // Forgets addresses that have gone quiet; still full, the oldest failures go.
  #sweep(now) {
    for (const address of [...this.#entries.keys()]) this.#current(address, now);
    if (this.#entries.size < this.#maxKeys) return;
    const oldest = [...this.#entries].sort((a, b) => a[1].lastFailureAt - b[1].lastFailureAt).slice(0, Math.ceil(this.#maxKeys / 10));
    for (const [address] of oldest) this.#entries.delete(address);
  }
}
