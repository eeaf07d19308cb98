// Each site's knowledge base, published as a trained index (.kfi): trained once on the
// server, in a worker thread (server/kb/index-build.js), whenever the KB changes — at
// start, when its file changes on disk, or through publish() — and kept in the data
// folder under its content hash. Visitors' widgets download those bytes instead of
// training the index themselves (server/http/site-routes.js serves them), and the
// server's own engine loads the same bytes, so it decides what the bot answered instead
// of trusting the visitor's `bot` field: a visitor could otherwise store any text as the
// bot's reply, or file any text as a hot question.
//
// A KB the core rejects changes nothing: the error is logged (and returned by publish)
// and the previous version keeps serving. The latest change wins, whichever way it came:
// at start the file is rebuilt only if it differs from the one last seen, so a version
// published through the API survives a restart until the file itself is edited.
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FaqEngine } from '../../web/core/index.js';
import { answerFor, featuredQuestions } from '../../web/core/kb-locale.js';
import { buildIndex } from './index-build.js';
import { compressLocaleAnswers, LOCALE_TAG, localeAnswerTexts } from './locale-answers.js';

/** A site's knowledge base could not be read or the core rejected it; the message names
 * the site's config key, the file and the core's error code. */
export class KnowledgeBaseError extends Error {}

// A version is the first 128 bits of the SHA-256 of the index bytes and of its per-locale
// answer texts (none: the index bytes' alone), in hex: the URLs change exactly when the
// bytes do (a new core that encodes the same KB differently included).
export const KB_VERSION = /^[0-9a-f]{32}$/;
const versionOf = (bytes, answerTexts) => {
  const hash = createHash('sha256').update(bytes);
  for (const [locale, text] of answerTexts) hash.update(`\0${locale}\0`).update(text);
  return hash.digest('hex').slice(0, 32);
};
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
// Editors write a file in several steps; one rebuild once they are done.
const WATCH_SETTLE_MS = 100;
const FORMS = { kfi: 'bytes', 'kfi.br': 'br', 'kfi.gz': 'gz' };
const ANSWER_FORMS = { json: 'bytes', 'json.br': 'br', 'json.gz': 'gz' };

export class SiteKnowledge {
  #sites = new Map(); // siteId -> site state (see #startSite)
  // siteId -> Map(faqId -> answers given since start): the home screen's "most asked"
  // when a KB features none. In memory: a restart starts the count again.
  #answered = new Map();
  #maxChars;
  #dataDir;
  #log;
  #disposed = new AbortController();
  #onFilePublished = () => {};

  /**
   * @param {Record<string, {knowledgeBase: string}>} sites config.sites
   * @param {string} root folder the `knowledgeBase` paths are relative to
   * @param {{maxChars: number, dataDir: string, log: object, watchFiles?: boolean}} options
   *   the engine judges a text by its first maxChars code points (config
   *   limits.botVerdictChars); the indexes are kept in `<dataDir>/kb/<siteId>/`; with
   *   watchFiles (the default) an edited KB file is published again
   */
  static async load(sites, root, { maxChars, dataDir, log, watchFiles = true }) {
    const knowledge = new SiteKnowledge(maxChars, dataDir, log);
    const builds = new Map(); // KB text hash -> build: sites naming one file train it once
    try {
      for (const [siteId, site] of Object.entries(sites)) {
        await knowledge.#startSite(siteId, resolve(root, site.knowledgeBase), site.knowledgeBase, builds, watchFiles);
      }
    } catch (error) {
      knowledge.dispose();
      throw error;
    }
    return knowledge;
  }

  constructor(maxChars, dataDir, log) {
    this.#maxChars = maxChars;
    this.#dataDir = dataDir;
    this.#log = log;
  }

  /** The content hash of the index the site serves now, or null (no such site). */
  version(siteId) {
    return this.#sites.get(siteId)?.current.version ?? null;
  }

  /**
   * The site's index `version` (the current one or the one before, which open pages may
   * still ask for): {bytes, br, gz}, the .kfi bytes and their brotli and gzip forms; or null.
   */
  artefact(siteId, version) {
    const site = this.#sites.get(siteId);
    if (!site) return null;
    return [site.current, site.previous].find((kept) => kept?.version === version) ?? null;
  }

  /**
   * The answer texts of `locale` published with the site's index `version` (see
   * locale-answers.js): {bytes, br, gz} of their JSON; or null (no such text, version or site).
   */
  localeAnswers(siteId, version, locale) {
    return this.artefact(siteId, version)?.answers?.get(locale) ?? null;
  }

  /**
   * The KB JSON the site serves now ({text, etag}), for `/kb/<site>.json`: the file's, or
   * the one last published; null while the site serves an index kept from an earlier run
   * whose JSON this process has not seen (server/kb/kb-library.js publishes it at start).
   */
  json(siteId) {
    return this.#sites.get(siteId)?.json ?? null;
  }

  /** The SHA-256 of the site's KB file as last read (kb-library.js tells file edits from console ones by it). */
  fileHash(siteId) {
    return this.#sites.get(siteId)?.fileHash ?? null;
  }

  /** `listener(siteId, {text, fileHash, version})` after an edited KB file was published. */
  onFilePublished(listener) {
    this.#onFilePublished = listener;
  }

  /**
   * Trains and serves a new knowledge base for the site (an admin's upload, what agents
   * taught the bot). Builds run one at a time per site, in a worker thread; until this one
   * is done, and if it fails, the current version keeps serving.
   * @param {string} siteId
   * @param {string} kbText the KB JSON (docs/knowledge-base.md)
   * @returns {Promise<{version: string, faqs: number, phrasings: number, buildMs: number} | {error: {code: string, message: string}}>}
   *   the version now served (the content hash in its URL), the KB's size, and how long
   *   the training took; or why the KB was rejected
   */
  publish(siteId, kbText) {
    const site = this.#sites.get(siteId);
    if (!site) return Promise.resolve({ error: { code: 'unknown_site', message: `no site "${siteId}" on this server` } });
    if (typeof kbText !== 'string') return Promise.resolve({ error: { code: 'invalid_argument', message: 'publish takes the KB JSON as a string' } });
    const run = site.queue.then(() => this.#publishNow(siteId, site, kbText, site.fileHash));
    site.queue = run.catch(() => {});
    return run;
  }

  /**
   * The bot's verdict on a visitor's text, as the widget's engine reaches it:
   * `{tier, faqId?, answer?}`. A text the engine refuses (it cannot answer it) is `handoff`.
   * The engine's work grows faster than the text (a 4,000-character Chinese text costs
   * hundreds of ms, 500 characters a few), and here it runs on the server's one thread
   * for anyone who can send a message, so only the first `maxChars` are judged.
   */
  verdict(siteId, text, locale) {
    const engine = this.#sites.get(siteId)?.current.engine;
    if (!engine) return { tier: 'handoff' };
    const judged = text.length > this.#maxChars ? [...text].slice(0, this.#maxChars).join('') : text;
    let result;
    try {
      // k as the widget's session asks, so both reach the same tier.
      result = engine.match(judged, { k: 3 });
    } catch {
      return { tier: 'handoff' };
    }
    const best = result.candidates[0];
    if (result.tier === 'answer' && best) {
      const answered = this.#answered.get(siteId) ?? this.#answered.set(siteId, new Map()).get(siteId);
      answered.set(best.id, (answered.get(best.id) ?? 0) + 1);
      const answer = answerFor(this.#sites.get(siteId)?.kb?.answers.get(best.id), locale) ?? best.answer;
      return { tier: 'answer', faqId: best.id, answer };
    }
    return { tier: result.tier };
  }

  /**
   * Agent assist: the engine's best `k` FAQ matches for a visitor's text, with the tier
   * the bot would give it and each candidate's score (the same engine and cut as verdict).
   * @returns {{tier: string, matches: {faqId: string, question: string, answer: string, score: number}[]}}
   */
  matches(siteId, text, k) {
    const engine = this.#sites.get(siteId)?.current.engine;
    if (!engine) return { tier: 'handoff', matches: [] };
    const judged = text.length > this.#maxChars ? [...text].slice(0, this.#maxChars).join('') : text;
    try {
      const result = engine.match(judged, { k });
      return { tier: result.tier, matches: result.candidates.map((c) => ({ faqId: c.id, question: c.question, answer: c.answer, score: c.score })) };
    } catch {
      return { tier: 'handoff', matches: [] };
    }
  }

  /**
   * The locales the site's current KB has answer texts of its own for: its index holds the
   * default texts, and a widget in one of these locales fetches that locale's texts too.
   * @returns {string[]}
   */
  answerLocales(siteId) {
    return [...(this.#sites.get(siteId)?.current.answers?.keys() ?? [])];
  }

  /**
   * The home screen's suggested questions: the KB's featured entries, else the ones the
   * bot answered most since the server started, at most `max`.
   * @returns {{id: string, question: string}[]}
   */
  suggestedQuestions(siteId, max) {
    const kb = this.#sites.get(siteId)?.kb;
    if (!kb || max === 0) return [];
    if (kb.featured.length > 0) return kb.featured.slice(0, max);
    const counts = [...(this.#answered.get(siteId) ?? new Map())].sort((a, b) => b[1] - a[1]);
    return counts.slice(0, max).map(([id]) => ({ id, question: kb.questions.get(id) }));
  }

  dispose() {
    this.#disposed.abort();
    for (const site of this.#sites.values()) {
      clearTimeout(site.settleTimer);
      site.watcher?.close();
      site.current.engine?.dispose();
    }
    this.#sites.clear();
  }

  async #startSite(siteId, path, shownPath, builds, watchFiles) {
    let text;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new KnowledgeBaseError(`sites.${siteId}.knowledgeBase: cannot read ${shownPath} (${error.code ?? error.message})`);
    }
    const fileHash = sha256(text);
    const folder = join(this.#dataDir, 'kb', siteId);
    const kept = await this.#readKept(folder);
    const site = { folder, fileHash, current: kept, previous: null, kb: null, json: null, queue: Promise.resolve(), watcher: null, settleTimer: null };
    if (!kept || kept.fileHash !== fileHash) {
      if (!builds.has(fileHash)) builds.set(fileHash, buildIndex(text, this.#disposed.signal));
      const built = await builds.get(fileHash);
      if (!built.ok && !kept) throw new KnowledgeBaseError(`sites.${siteId}.knowledgeBase: ${shownPath}: ${built.code}: ${built.message}`);
      if (!built.ok) this.#log.error('kb_rejected', { siteId, file: shownPath, code: built.code, error: built.message, serving: kept.version });
      else await this.#install(site, built, fileHash, localeAnswerTexts(JSON.parse(text)));
    }
    // The file's answers by locale and featured entries, when it is what the site serves.
    if (site.current.fileHash === fileHash) {
      site.kb = describe(JSON.parse(text));
      site.json = jsonOf(text);
    }
    this.#sites.set(siteId, site);
    if (watchFiles) this.#watch(siteId, site, path);
  }

  // The version this site served when the server last stopped, if this core still reads it.
  async #readKept(folder) {
    try {
      const { version, fileHash, locales = [] } = JSON.parse(await readFile(join(folder, 'current.json'), 'utf8'));
      const kept = { version, fileHash, answers: new Map() };
      for (const [suffix, form] of Object.entries(FORMS)) kept[form] = new Uint8Array(await readFile(join(folder, `${version}.${suffix}`)));
      for (const locale of locales.filter((name) => LOCALE_TAG.test(name))) {
        const files = {};
        for (const [suffix, form] of Object.entries(ANSWER_FORMS)) files[form] = new Uint8Array(await readFile(join(folder, `${version}.${locale}.${suffix}`)));
        kept.answers.set(locale, files);
      }
      const answerTexts = [...kept.answers].map(([locale, files]) => [locale, Buffer.from(files.bytes).toString('utf8')]);
      if (versionOf(kept.bytes, answerTexts) !== version) return null;
      kept.engine = await FaqEngine.create(kept.bytes);
      return kept;
    } catch {
      return null; // none yet, or an index this core no longer reads: built again
    }
  }

  async #publishNow(siteId, site, kbText, fileHash) {
    const started = performance.now();
    const built = await buildIndex(kbText, this.#disposed.signal);
    if (this.#disposed.signal.aborted) return { error: { code: 'server_stopping', message: 'the server stopped during the build' } };
    if (!built.ok) {
      this.#log.error('kb_rejected', { siteId, code: built.code, error: built.message, serving: site.current.version });
      return { error: { code: built.code, message: built.message } };
    }
    const kb = JSON.parse(kbText);
    const version = await this.#install(site, built, fileHash, localeAnswerTexts(kb));
    site.kb = describe(kb);
    site.json = jsonOf(kbText);
    const published = { version, faqs: built.entries, phrasings: built.phrasings, buildMs: built.buildMs };
    this.#log.info('kb_published', { siteId, ...published, publishMs: Math.round(performance.now() - started) });
    return published;
  }

  // Makes a built index (and the KB's per-locale answer texts) the site's current version:
  // on disk first, then in service.
  async #install(site, built, fileHash, answerTexts) {
    const version = versionOf(built.bytes, answerTexts);
    site.fileHash = fileHash;
    if (site.current?.version !== version) {
      const engine = await FaqEngine.create(built.bytes);
      const answers = await compressLocaleAnswers(answerTexts);
      await mkdir(site.folder, { recursive: true });
      for (const [suffix, form] of Object.entries(FORMS)) await writeFile(join(site.folder, `${version}.${suffix}`), built[form]);
      for (const [locale, files] of answers) {
        for (const [suffix, form] of Object.entries(ANSWER_FORMS)) await writeFile(join(site.folder, `${version}.${locale}.${suffix}`), files[form]);
      }
      const retired = site.current;
      retired?.engine?.dispose();
      site.previous = retired ? { ...retired, engine: null } : null;
      site.current = { version, fileHash, bytes: built.bytes, br: built.br, gz: built.gz, answers, engine };
      await this.#prune(site);
    }
    site.current.fileHash = fileHash;
    // Written last, and whole (rename): a crash mid-publish leaves the previous version named.
    const pointer = join(site.folder, 'current.json');
    await writeFile(`${pointer}.tmp`, JSON.stringify({ version, fileHash, locales: [...site.current.answers.keys()] }));
    await rename(`${pointer}.tmp`, pointer);
    return version;
  }

  // Keeps the current and the previous version's files only.
  async #prune(site) {
    const keep = new Set([site.current.version, site.previous?.version]);
    for (const name of await readdir(site.folder)) {
      const version = name.split('.')[0];
      if (KB_VERSION.test(version) && !keep.has(version)) await rm(join(site.folder, name), { force: true });
    }
  }

  // Watches the folder, not the file: editors replace a file (a new inode) when saving.
  #watch(siteId, site, path) {
    const name = basename(path);
    try {
      site.watcher = watch(dirname(path), (event, changed) => {
        if (changed !== name) return;
        clearTimeout(site.settleTimer);
        site.settleTimer = setTimeout(() => this.#fileChanged(siteId, site, path), WATCH_SETTLE_MS);
      });
      site.watcher.on('error', (error) => this.#log.warn('kb_watch_failed', { siteId, error: error.message }));
    } catch (error) {
      this.#log.warn('kb_watch_failed', { siteId, error: error.message });
    }
  }

  async #fileChanged(siteId, site, path) {
    let text;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      this.#log.error('kb_rejected', { siteId, code: 'kb_unreadable', error: error.code ?? error.message, serving: site.current.version });
      return;
    }
    const fileHash = sha256(text);
    if (fileHash === site.fileHash || this.#disposed.signal.aborted) return;
    site.fileHash = fileHash; // seen: the same bytes again are no new version
    const run = site.queue.then(() => this.#publishNow(siteId, site, text, fileHash));
    site.queue = run.catch(() => {});
    // A timer's callback: a failed install (a disk error) is logged here, not thrown.
    const published = await run.catch((error) => this.#log.error('kb_install_failed', { siteId, error: error.message }));
    if (published && !published.error) this.#onFilePublished(siteId, { text, fileHash, version: published.version });
  }
}

// The served KB JSON, tagged by its own hash (the index's version names other bytes).
function jsonOf(text) {
  return { text, etag: `"${sha256(text).slice(0, 32)}"` };
}

// What the server needs from a KB besides its engine (which has accepted it, so it parses).
function describe(kb) {
  return {
    answers: new Map(kb.faqs.map((faq) => [String(faq.id), faq.answer])),
    questions: new Map(kb.faqs.map((faq) => [String(faq.id), faq.question])),
    featured: featuredQuestions(kb),
  };
}
