// Teaching the bot and editing its knowledge base from the console (docs/console.md,
// "Teach the bot and the KB editor"). Agents propose: a visitor's question linked to an
// FAQ as a new similar question, or a new FAQ drafted from their own reply. Admins review
// the proposals into the site's draft, edit the draft FAQ by FAQ, and publish it through
// SiteKnowledge.publish (the trained index every widget loads); every published version is
// kept with its KB JSON, who and when, so any of them can be published again (rollback).
//
// Where the KB of record lives: the store, from a site's first publish from the console
// on. The KB file on disk stays the seed, and editing it is a change like any other: the
// latest one wins. At start, and when another server sharing the store published, the
// site serves the newest stored version unless the file was edited after it (then the
// file's text is recorded as a version of its own). So a restart, a lost data folder or a
// new instance serves what the admins published last; the file is never written.
//
// Every change to the draft is checked by the same build the publish runs (the core's
// loader, in a worker): one rule in one place, with the entry and field of the first
// problem, so the editor shows it beside the FAQ and a draft never holds a KB the publish
// would refuse.
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildIndex } from './index-build.js';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
// The core names the first problem as `faqs[3].answer: …` (docs/knowledge-base.md).
const ENTRY_PATH = /\bfaqs\[(\d+)\](?:\.(\w+))?/;
const KINDS = ['similar', 'faq'];
const MAX_TEXT = 20_000;
// How many FAQ ids a version's summary names per kind of change (the counts are whole).
const SUMMARY_IDS = 20;
// The draft lists its latest changes for the page (`added refund`, `proposal …`).
const DRAFT_CHANGES = 20;

export class KnowledgeLibrary {
  #store;
  #knowledge;
  #sites;
  #root;
  #accounts;
  #fanout;
  #clock;
  #log;
  #queues = new Map(); // siteId -> tail of its changes, one after another

  /**
   * @param {{store: object, knowledge: import('./site-knowledge.js').SiteKnowledge, sites: Record<string, {knowledgeBase: string}>,
   *   root: string, accounts: import('../accounts/console-accounts.js').ConsoleAccounts, fanout: object, clock: () => number, log: object}} services
   */
  constructor({ store, knowledge, sites, root, accounts, fanout, clock, log }) {
    this.#store = store;
    this.#knowledge = knowledge;
    this.#sites = sites;
    this.#root = root;
    this.#accounts = accounts;
    this.#fanout = fanout;
    this.#clock = clock;
    this.#log = log;
  }

  /** Brings every site to its KB of record (above), then follows the other servers' publishes. */
  async start() {
    for (const siteId of Object.keys(this.#sites)) await this.#serialized(siteId, () => this.#sync(siteId));
    this.#knowledge.onFilePublished((siteId, { text, fileHash, version }) => {
      this.#serialized(siteId, () => this.#recordFile(siteId, text, fileHash, version)).catch((error) => this.#log.error('kb_history_failed', { siteId, error: error.message }));
    });
    this.#fanout.subscribe((message) => {
      if (message.to === 'kb' && Object.hasOwn(this.#sites, message.siteId)) {
        this.#serialized(message.siteId, () => this.#sync(message.siteId)).catch((error) => this.#log.error('kb_sync_failed', { siteId: message.siteId, error: error.message }));
      }
    });
  }

  // ---- proposals (agents) ------------------------------------------------------

  /**
   * An agent's proposal for a site they may see (the caller checked): `similar` links
   * `question` to the FAQ `faqId`; `faq` drafts a new FAQ of `question` and `answer`.
   * @returns {Promise<{proposal: object} | {error: string}>}
   */
  async propose(account, siteId, { kind, faqId, question, answer, source }) {
    if (!KINDS.includes(kind)) return { error: 'kind_invalid' };
    if (!isText(question)) return { error: 'question_invalid' };
    if (kind === 'faq' && !isText(answer)) return { error: 'answer_invalid' };
    if (kind === 'similar') {
      const faqs = (await this.#working(siteId)).kb.faqs;
      if (!faqs.some((faq) => String(faq.id) === faqId)) return { error: 'unknown_faq' };
    }
    const now = this.#clock();
    const proposal = {
      id: `${String(now).padStart(15, '0')}-${randomUUID().slice(0, 8)}`, siteId, kind, question: question.trim(),
      ...(kind === 'similar' ? { faqId } : { answer: answer.trim() }),
      source: sourceOf(source), by: account.id, byName: account.displayName, at: now, status: 'pending',
    };
    await this.#store.saveKbProposal(proposal);
    await this.#accounts.audit('kb_proposed', { by: account.id, siteId, proposalId: proposal.id, kind });
    return { proposal };
  }

  async proposals(siteId) {
    return (await this.#store.kbProposals(siteId)).reverse();
  }

  // ---- review and the draft (admins) -------------------------------------------

  /**
   * Accepts a pending proposal into the draft (with the admin's edits of its texts or
   * FAQ), or rejects it.
   * @returns {Promise<{proposal: object} | {error: string, problem?: object}>}
   */
  review(account, siteId, proposalId, { decision, question, answer, faqId, newFaqId }) {
    return this.#serialized(siteId, async () => {
      const proposal = typeof proposalId === 'string' ? await this.#store.kbProposal(siteId, proposalId) : null;
      if (!proposal) return { error: 'unknown_proposal' };
      if (proposal.status !== 'pending') return { error: 'already_reviewed' };
      if (decision !== 'accept' && decision !== 'reject') return { error: 'decision_invalid' };
      const reviewed = { ...proposal, status: decision === 'accept' ? 'accepted' : 'rejected', reviewedBy: account.id, reviewedByName: account.displayName, reviewedAt: this.#clock() };
      if (decision === 'accept') {
        const texts = { question: question ?? proposal.question, answer: answer ?? proposal.answer, faqId: faqId ?? proposal.faqId };
        if (!isText(texts.question) || (proposal.kind === 'faq' && !isAnswer(texts.answer))) return { error: 'text_invalid' };
        const { kb } = await this.#working(siteId);
        if (proposal.kind === 'similar') {
          const faq = kb.faqs.find((entry) => String(entry.id) === texts.faqId);
          if (!faq) return { error: 'unknown_faq' };
          // Taught twice (two agents, two conversations): one phrasing.
          if (String(faq.question) !== texts.question.trim() && !(faq.similar ?? []).includes(texts.question.trim())) faq.similar = [...(faq.similar ?? []), texts.question.trim()];
          reviewed.faqId = texts.faqId;
        } else {
          const id = typeof newFaqId === 'string' && newFaqId.trim() !== '' ? newFaqId.trim() : `taught-${proposal.id.slice(-8)}`;
          kb.faqs.push({ id, question: texts.question.trim(), answer: typeof texts.answer === 'string' ? texts.answer.trim() : texts.answer });
          reviewed.faqId = id;
        }
        reviewed.question = texts.question.trim();
        const saved = await this.#saveDraft(account, siteId, kb, `proposal ${proposal.id}`);
        if (saved.error) return saved;
      }
      await this.#store.saveKbProposal(reviewed);
      await this.#accounts.audit(decision === 'accept' ? 'kb_proposal_accepted' : 'kb_proposal_rejected', { by: account.id, siteId, proposalId, faqId: reviewed.faqId ?? null });
      return { proposal: reviewed };
    });
  }

  /**
   * The KB the editor works on: the draft if there is one, else the version served.
   * @returns {Promise<{kb: object, draft: {by: string, byName: string, at: number, baseNumber: number|null}|null, published: object|null}>}
   */
  async working(siteId) {
    const { kb, draft } = await this.#working(siteId);
    const [published] = await this.#store.kbVersions(siteId, { limit: 1 });
    return { kb, draft: draft ? { by: draft.by, byName: draft.byName, at: draft.at, baseNumber: draft.baseNumber, changes: draft.changes } : null, published: published ?? null };
  }

  /**
   * Adds or replaces an FAQ in the draft (`originalId`: the id it had, when renamed or
   * edited; none for a new one). Refused with the core's error when the KB would not publish.
   */
  saveFaq(account, siteId, { originalId, faq }) {
    return this.#serialized(siteId, async () => {
      if (faq === null || typeof faq !== 'object' || Array.isArray(faq)) return { error: 'faq_invalid' };
      const { kb } = await this.#working(siteId);
      const at = originalId === undefined || originalId === null ? -1 : kb.faqs.findIndex((entry) => String(entry.id) === String(originalId));
      if (originalId !== undefined && originalId !== null && at === -1) return { error: 'unknown_faq' };
      if (at === -1) kb.faqs.push(faq);
      else kb.faqs[at] = faq;
      return this.#saveDraft(account, siteId, kb, `${at === -1 ? 'added' : 'edited'} ${faq.id}`);
    });
  }

  removeFaq(account, siteId, faqId) {
    return this.#serialized(siteId, async () => {
      const { kb } = await this.#working(siteId);
      const at = kb.faqs.findIndex((entry) => String(entry.id) === faqId);
      if (at === -1) return { error: 'unknown_faq' };
      kb.faqs.splice(at, 1);
      return this.#saveDraft(account, siteId, kb, `removed ${faqId}`);
    });
  }

  discardDraft(account, siteId) {
    return this.#serialized(siteId, async () => {
      if (!(await this.#store.kbDraft(siteId))) return { error: 'no_draft' };
      await this.#store.deleteKbDraft(siteId);
      await this.#accounts.audit('kb_draft_discarded', { by: account.id, siteId });
      return { ok: true };
    });
  }

  // ---- publishing and history (admins) -------------------------------------------

  /** Publishes the draft: {version} (the history entry) or {error, problem?}. */
  publish(account, siteId) {
    return this.#serialized(siteId, async () => {
      const draft = await this.#store.kbDraft(siteId);
      if (!draft) return { error: 'no_draft' };
      const entry = await this.#publish(account, siteId, draft.kbJson, { action: 'publish' });
      if (!entry.error) await this.#store.deleteKbDraft(siteId);
      return entry;
    });
  }

  /** Publishes version `number` again, as a new version. */
  rollback(account, siteId, number) {
    return this.#serialized(siteId, async () => {
      const version = await this.#store.kbVersion(siteId, number);
      if (!version) return { error: 'unknown_version' };
      return this.#publish(account, siteId, version.kbJson, { action: 'rollback', of: number });
    });
  }

  /**
   * The server's own publishKnowledgeBase (an upload by other means than the console):
   * recorded in the history like any version, so it stays the KB of record.
   * @returns SiteKnowledge.publish's answer
   */
  publishText(siteId, kbJson) {
    if (!Object.hasOwn(this.#sites, siteId) || typeof kbJson !== 'string') return this.#knowledge.publish(siteId, kbJson);
    return this.#serialized(siteId, async () => (await this.#publish(null, siteId, kbJson, { action: 'api' })).published);
  }

  /** The site's published versions, newest first: who, when, what changed. */
  history(siteId) {
    return this.#store.kbVersions(siteId);
  }

  // ---- inside ------------------------------------------------------------------

  async #publish(account, siteId, kbJson, { action, of }) {
    const before = await this.#ensureBaseline(siteId);
    const published = await this.#knowledge.publish(siteId, kbJson);
    if (published.error) return { error: published.error.code, problem: problemOf(published.error), published };
    const entry = await this.#store.appendKbVersion(siteId, {
      kbJson, version: published.version, fileHash: this.#knowledge.fileHash(siteId), action, ...(of ? { of } : {}),
      by: account?.id ?? null, byName: account?.displayName ?? null, at: this.#clock(), faqs: published.faqs, phrasings: published.phrasings,
      changes: changesBetween(JSON.parse(before), JSON.parse(kbJson)),
    });
    await this.#accounts.audit(action === 'rollback' ? 'kb_rolled_back' : 'kb_published', { by: account?.id ?? null, siteId, number: entry.number, version: entry.version, ...(of ? { of } : {}) });
    this.#fanout.publish({ to: 'kb', siteId });
    return { version: entry, published };
  }

  // Before the first version from the console, the file's KB is recorded as version 1,
  // so the first publish can be rolled back. The KB JSON served before this publish.
  async #ensureBaseline(siteId) {
    const [latest] = await this.#store.kbVersions(siteId, { limit: 1 });
    if (latest) return (await this.#store.kbVersion(siteId, latest.number)).kbJson;
    const text = await this.#fileText(siteId);
    await this.#recordFile(siteId, text, sha256(text), this.#knowledge.version(siteId));
    return text;
  }

  async #recordFile(siteId, kbJson, fileHash, version) {
    const kb = JSON.parse(kbJson);
    const [latest] = await this.#store.kbVersions(siteId, { limit: 1 });
    // Every instance watches the file: the first to see an edit records it.
    if (latest?.action === 'file' && latest.fileHash === fileHash) return;
    const before = latest ? JSON.parse((await this.#store.kbVersion(siteId, latest.number)).kbJson) : null;
    const entry = await this.#store.appendKbVersion(siteId, {
      kbJson, version, fileHash, action: 'file', by: null, byName: null, at: this.#clock(), faqs: kb.faqs.length,
      phrasings: kb.faqs.reduce((sum, faq) => sum + 1 + (faq.similar?.length ?? 0), 0), changes: before ? changesBetween(before, kb) : null,
    });
    this.#log.info('kb_file_recorded', { siteId, number: entry.number, version });
  }

  // The site serves its KB of record: the newest stored version, unless the file changed since.
  async #sync(siteId) {
    const [latest] = await this.#store.kbVersions(siteId, { limit: 1 });
    if (!latest) return;
    const fileHash = this.#knowledge.fileHash(siteId);
    if (latest.fileHash !== fileHash) {
      const text = await this.#fileText(siteId);
      if (sha256(text) === fileHash) await this.#recordFile(siteId, text, fileHash, this.#knowledge.version(siteId));
      return;
    }
    const { kbJson } = await this.#store.kbVersion(siteId, latest.number);
    if (this.#knowledge.json(siteId)?.text === kbJson) return;
    const published = await this.#knowledge.publish(siteId, kbJson);
    if (published.error) this.#log.error('kb_of_record_rejected', { siteId, number: latest.number, code: published.error.code, error: published.error.message });
  }

  async #working(siteId) {
    const draft = await this.#store.kbDraft(siteId);
    if (draft) return { kb: JSON.parse(draft.kbJson), draft };
    const [latest] = await this.#store.kbVersions(siteId, { limit: 1 });
    const text = latest ? (await this.#store.kbVersion(siteId, latest.number)).kbJson : await this.#fileText(siteId);
    return { kb: JSON.parse(text), draft: null };
  }

  // Checked by the publish's own build before it is kept (see the top of this file).
  async #saveDraft(account, siteId, kb, change) {
    const kbJson = JSON.stringify(kb, null, 2);
    const built = await buildIndex(kbJson, undefined, { checkOnly: true });
    if (!built.ok) return { error: built.code, problem: problemOf({ code: built.code, message: built.message }, kb) };
    const previous = await this.#store.kbDraft(siteId);
    const [latest] = await this.#store.kbVersions(siteId, { limit: 1 });
    const draft = {
      kbJson, by: account.id, byName: account.displayName, at: this.#clock(), baseNumber: previous?.baseNumber ?? latest?.number ?? null,
      changes: [...(previous?.changes ?? []), change].slice(-DRAFT_CHANGES),
    };
    await this.#store.saveKbDraft(siteId, draft);
    await this.#accounts.audit('kb_draft_changed', { by: account.id, siteId, change });
    return { ok: true };
  }

  #fileText(siteId) {
    return readFile(resolve(this.#root, this.#sites[siteId].knowledgeBase), 'utf8');
  }

  #serialized(siteId, work) {
    const next = (this.#queues.get(siteId) ?? Promise.resolve()).then(work, work);
    this.#queues.set(siteId, next.catch(() => {}));
    return next;
  }
}

const isText = (value) => typeof value === 'string' && value.trim() !== '' && value.length <= MAX_TEXT;
// A string, or texts by locale (the core's loader checks the rest).
const isAnswer = (value) => isText(value) || (value !== null && typeof value === 'object' && !Array.isArray(value));

// Where a proposal came from, kept for the reviewer: a conversation's message or a hot-question group.
function sourceOf(source) {
  if (source?.conversationId && typeof source.conversationId === 'string') return { conversationId: source.conversationId, ...(Number.isSafeInteger(source.seq) ? { seq: source.seq } : {}) };
  if (typeof source?.hotQuestion === 'string' && source.hotQuestion.length <= MAX_TEXT) return { hotQuestion: source.hotQuestion };
  return null;
}

/**
 * The core's refusal, with the entry and field it names when it names one, and that
 * entry's id, so the editor shows it beside the FAQ.
 */
export function problemOf({ code, message }, kb = null) {
  const path = ENTRY_PATH.exec(message);
  const index = path ? Number(path[1]) : null;
  const faq = index !== null ? kb?.faqs?.[index] : null;
  return { code, message, ...(path ? { index, field: path[2] ?? null } : {}), ...(faq && typeof faq === 'object' ? { faqId: String(faq.id) } : {}) };
}

// Which FAQs a version added, removed and changed, by id (the first few of each, and counts).
function changesBetween(before, after) {
  const byId = (kb) => new Map((kb.faqs ?? []).map((faq) => [String(faq.id), JSON.stringify(faq)]));
  const old = byId(before);
  const now = byId(after);
  const added = [...now.keys()].filter((id) => !old.has(id));
  const removed = [...old.keys()].filter((id) => !now.has(id));
  const changed = [...now.keys()].filter((id) => old.has(id) && old.get(id) !== now.get(id));
  const part = (ids) => ({ count: ids.length, ids: ids.slice(0, SUMMARY_IDS) });
  return { added: part(added), removed: part(removed), changed: part(changed) };
}
