// Token buckets keyed by visitor or IP: `burst` requests at once, refilled at
// `perMinute`. Time comes from the caller so tests need no clock. Idle buckets are
// swept so an attacker rotating keys cannot grow memory without bound.

export class RateLimiter {
  #burst;
  #refillPerMs;
  #buckets = new Map();
  #maxKeys;

  constructor({ burst, perMinute, maxKeys = 100_000 }) {
    this.#burst = burst;
    this.#refillPerMs = perMinute / 60_000;
    this.#maxKeys = maxKeys;
  }

  /** True when the request may proceed (and takes a token). */
  allow(key, now) {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.sweep(now);
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#refillPerMs);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets buckets that are full again (they behave exactly like new ones). */
  sweep(now) {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#refillPerMs >= this.#burst) this.#buckets.delete(key);
    }
    // Still full of active keys: drop the oldest rather than grow.
    if (this.#buckets.size >= this.#maxKeys) {
      const oldest = [...this.#buckets].sort((a, b) => a[1].at - b[1].at).slice(0, Math.ceil(this.#maxKeys / 10));
      for (const [key] of oldest) this.#buckets.delete(key);
    }
  }

  get size() {
    return this.#buckets.size;
  }
}
