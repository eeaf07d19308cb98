// Getting the agent's attention for a new chat or message they are not looking at (the
// tab is hidden, or another chat is open): a desktop notification (Notification API),
// a short tone (WebAudio: no sound file to load) and the unread total in the title.
const TITLE = 'Kefu 客服工作台';
// A burst of messages is one alert, not one per message.
const QUIET_MS = 3000;

export class Attention {
  #audio = null;
  #lastAlertAt = -Infinity;
  #clock;

  constructor({ clock = () => performance.now() } = {}) {
    this.#clock = clock;
  }

  /** Asks for notification permission; call from a click (browsers require a gesture). */
  async askPermission() {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      try {
        await Notification.requestPermission();
      } catch {
        // an old browser's callback form, or a refusal: the tone and title still work
      }
    }
    // An AudioContext may only start after a gesture too; made here once.
    try {
      this.#audio ??= new AudioContext();
    } catch {
      this.#audio = null;
    }
  }

  /** The title badge: "(3) Kefu…" while there is anything unread or waiting. */
  setBadge(count) {
    const title = count > 0 ? `(${count}) ${TITLE}` : TITLE;
    if (document.title !== title) document.title = title;
  }

  /**
   * @param {{title: string, body: string, tag: string}} alert
   * @returns {boolean} whether it went off (false inside the quiet interval)
   */
  alert({ title, body, tag }) {
    const now = this.#clock();
    const sounded = now - this.#lastAlertAt >= QUIET_MS;
    // Every alert is announced in the page (tests and extensions listen); the sound and
    // the desktop notification only once per quiet interval.
    document.dispatchEvent(new CustomEvent('kefu-console-alert', { detail: { title, body, tag, sounded } }));
    if (!sounded) return false;
    this.#lastAlertAt = now;
    this.#tone();
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      try {
        const notification = new Notification(title, { body, tag });
        notification.onclick = () => window.focus();
      } catch {
        // some platforms allow notifications only from a service worker
      }
    }
    return true;
  }

  // Two short sine notes; quiet enough not to startle.
  #tone() {
    const audio = this.#audio;
    if (!audio) return;
    if (audio.state === 'suspended') audio.resume().catch(() => {});
    const start = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.12, 1175]]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.11);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.12);
    }
  }

  dispose() {
    this.#audio?.close().catch(() => {});
    this.#audio = null;
  }
}
