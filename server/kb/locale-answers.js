// A KB's per-locale answer texts (docs/knowledge-base.md, "Answers in several languages"),
// published beside its index: the index holds each answer's default text, and a widget
// whose visitor reads another locale shows that locale's text by FAQ id over it
// (web/widget/localized-answers.js). One small file per locale, holding only the entries
// that have a text of their own in it (web/core/kb-locale.js says which).
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { answersByLocale } from '../../web/core/kb-locale.js';

// Locale names go into file names and URLs: tags like "en" or "zh-TW" only.
export const LOCALE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * @param {object} kb the parsed KB, already accepted by the core
 * @returns {Map<string, string>} locale -> `{"answers": {faqId: text}}` JSON text, in locale order
 */
export function localeAnswerTexts(kb) {
  return new Map([...answersByLocale(kb)].filter(([locale]) => LOCALE_TAG.test(locale)).map(([locale, answers]) => [locale, JSON.stringify({ answers })]));
}

/**
 * The files as served: the JSON bytes and their brotli and gzip forms, compressed in
 * zlib's thread pool (a real KB's texts are hundreds of KB: no stall of the sockets).
 * @param {Map<string, string>} texts from localeAnswerTexts
 * @returns {Promise<Map<string, {bytes: Uint8Array, br: Uint8Array, gz: Uint8Array}>>}
 */
export async function compressLocaleAnswers(texts) {
  const files = new Map();
  for (const [locale, text] of texts) {
    const bytes = Buffer.from(text);
    const [br, gzipped] = await Promise.all([
      brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
      gz(bytes, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    files.set(locale, { bytes, br, gz: gzipped });
  }
  return files;
}
