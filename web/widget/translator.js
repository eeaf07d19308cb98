// Every visible string comes from shared/i18n, one file per locale. The three files are
// bundled into the widget (≈ 2 KB gzip together) so switching language costs no request.
// A site may replace four of them per locale (docs/embedding.md, "Home screen and texts"):
// its texts are shown as text, like every other string, never parsed as HTML.
import en from '../../shared/i18n/en.json' with { type: 'json' };
import zhCN from '../../shared/i18n/zh-CN.json' with { type: 'json' };
import zhTW from '../../shared/i18n/zh-TW.json' with { type: 'json' };
import { pickLocale } from '../embed/launcher.js';

export const STRINGS = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

// The site's text names → the strings they replace.
export const SITE_TEXT_KEYS = { brandName: 'panel.title', greeting: 'home.greeting', placeholder: 'composer.placeholder', offline: 'offline.leaveMessage' };

export class Translator {
  /** @type {'en'|'zh-CN'|'zh-TW'} */
  locale;
  #strings;
  #siteTexts = {}; // locale -> {string key -> text}

  /** @param {string} [tag] the boot `locale`; without it the browser's language decides */
  constructor(tag) {
    this.setLocale(tag);
  }

  setLocale(tag) {
    this.locale = pickLocale(tag);
    this.#strings = STRINGS[this.locale];
  }

  /**
   * The site's texts, by locale: `{en: {greeting: 'Hi!'}}`; later layers win (the server
   * config's, then the boot options'). Names other than SITE_TEXT_KEYS' are ignored.
   * @param {...Record<string, Record<string, string>>} layers
   */
  setSiteTexts(...layers) {
    const merged = {};
    for (const layer of layers) {
      for (const [locale, texts] of Object.entries(layer ?? {})) {
        if (!STRINGS[locale] || !texts || typeof texts !== 'object') continue;
        for (const [name, text] of Object.entries(texts)) {
          if (Object.hasOwn(SITE_TEXT_KEYS, name) && typeof text === 'string' && text.trim()) (merged[locale] ??= {})[SITE_TEXT_KEYS[name]] = text;
        }
      }
    }
    this.#siteTexts = merged;
  }

  /** `t('queue.position', {position: 3})`; a missing key shows the key, never blank. */
  t(key, values = {}) {
    const text = this.#siteTexts[this.locale]?.[key] ?? this.#strings[key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  /** Clock time of a message in the visitor's locale. */
  time(ms) {
    return new Date(ms).toLocaleTimeString(this.locale, { hour: '2-digit', minute: '2-digit' });
  }
}
