// Queue ETA from how long agents actually take: the mean of the most recent handled
// conversations (accept → end), divided among the agents online. Until anything has
// been handled the configured default stands in (config.defaultHandlingSeconds).
export class HandlingTimes {
  #recentSeconds = [];
  #window;
  #defaultSeconds;

  constructor({ window = 20, defaultSeconds = 180 } = {}) {
    this.#window = window;
    this.#defaultSeconds = defaultSeconds;
  }

  record(seconds) {
    if (!(seconds >= 0)) return;
    this.#recentSeconds.push(seconds);
    if (this.#recentSeconds.length > this.#window) this.#recentSeconds.shift();
  }

  averageSeconds() {
    if (this.#recentSeconds.length === 0) return this.#defaultSeconds;
    return this.#recentSeconds.reduce((sum, s) => sum + s, 0) / this.#recentSeconds.length;
  }

  /** Seconds until the visitor at `position` (1 = next) is likely accepted. */
  etaSeconds(position, agentsOnline) {
    return Math.round((position * this.averageSeconds()) / Math.max(1, agentsOnline));
  }
}
