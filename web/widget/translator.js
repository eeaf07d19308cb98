// Every visible string comes from shared/i18n, one file per locale. The three files are
// bundled into the widget (≈ 2 KB gzip together) so switching language costs no request.
import en from '../../shared/i18n/en.json' with { type: 'json' };
import zhCN from '../../shared/i18n/zh-CN.json' with { type: 'json' };
import zhTW from '../../shared/i18n/zh-TW.json' with { type: 'json' };
import { pickLocale } from '../embed/launcher.js';

export const STRINGS = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export class Translator {
  /** @type {'en'|'zh-CN'|'zh-TW'} */
  locale;
  #strings;

  /** @param {string} [tag] the boot `locale`; without it the browser's language decides */
  constructor(tag) {
    this.locale = pickLocale(tag);
    this.#strings = STRINGS[this.locale];
  }

  /** `t('queue.position', {position: 3})`; a missing key shows the key, never blank. */
  t(key, values = {}) {
    const text = this.#strings[key] ?? en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  /** Clock time of a message in the visitor's locale. */
  time(ms) {
    return new Date(ms).toLocaleTimeString(this.locale, { hour: '2-digit', minute: '2-digit' });
  }
}
