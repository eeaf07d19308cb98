// Hot questions: what visitors asked that the bot could not answer (tier `suggest` or
// `handoff`, as the server's own engine decided), grouped so that rephrasings of one
// question count together — the list a company works down to grow its knowledge base.
//
// Groups are kept per site in memory (QuestionGroups) and stored as they change, in
// the batch of the message that changed them; the report reads a page of them. What one
// visitor and one site may file per day is capped, so a script cannot flood the report.
//
// With several instances on one PostgreSQL store, every instance files into the same
// groups: the store files a site's questions one at a time (under the site's row lock)
// and first hands over the `shared` state — the group changes other instances stored
// since this one last heard, the next free group number, the site's count today — and a
// report first applies the changes stored since (`store.hotQuestionChanges`). So every
// instance's report covers every instance's visitors, numbers are never given twice,
// and the site's daily cap is one cap. The per-visitor cap stays per instance.
import { QuestionGroups } from './question-groups.js';

const DAY_MS = 86_400_000;

export class HotQuestions {
  #store;
  #options; // {threshold, maxGroups, maxChars}
  #perVisitorPerDay;
  #perSitePerDay;
  #sites = new Map(); // siteId -> QuestionGroups
  #day = null; // UTC day number the counts below are for
  #filedBySite = new Map(); // siteId -> count today
  #filedByVisitor = new Map(); // `${siteId}\n${visitorId}` -> count today

  /**
   * @param {object} store ConversationStore
   * @param {{hotQuestionSimilarity: number, limits: object}} config
   */
  #clock;

  constructor(store, config, { clock = Date.now } = {}) {
    this.#store = store;
    this.#clock = clock;
    const { limits } = config;
    this.#options = { threshold: config.hotQuestionSimilarity, maxGroups: limits.hotQuestionGroupsPerSite, maxChars: limits.hotQuestionChars };
    this.#perVisitorPerDay = limits.hotQuestionsPerVisitorPerDay;
    this.#perSitePerDay = limits.hotQuestionsPerSitePerDay;
  }

  /** Loads the stored groups (at start). */
  async restore() {
    for await (const { siteId, group } of this.#store.hotQuestionGroups()) this.#groupsOf(siteId).restore(group);
  }

  /**
   * Files a question and returns the group change to store with the message that asked
   * it ({siteId, group, evicted}: the group's number it replaced, or null); null when the
   * visitor or the site is over today's cap. `shared` (a shared store's, see above):
   * {reset, groups: [{number, group | null (evicted)}], nextNumber, filedToday}.
   */
  file({ siteId, visitorId, text, tier, at }, shared = null) {
    const day = Math.floor(at / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#filedBySite.clear();
      this.#filedByVisitor.clear();
    }
    const visitorKey = `${siteId}\n${visitorId}`;
    const byVisitor = this.#filedByVisitor.get(visitorKey) ?? 0;
    if (shared) {
      this.#apply(siteId, shared);
      this.#groupsOf(siteId).reserveNumbers(shared.nextNumber);
    }
    const bySite = shared ? shared.filedToday : this.#filedBySite.get(siteId) ?? 0;
    if (byVisitor >= this.#perVisitorPerDay || bySite >= this.#perSitePerDay) return null;
    const filed = this.#groupsOf(siteId).file({ text, tier, at });
    if (!filed) return null;
    this.#filedByVisitor.set(visitorKey, byVisitor + 1);
    this.#filedBySite.set(siteId, bySite + 1);
    return { siteId, group: filed.group, evicted: filed.evicted };
  }

  /** @returns {Promise<{total: number, questions: number, groups: object[]}>} groups most asked first, as stored now */
  async page(siteId, { offset, limit }) {
    this.#apply(siteId, await this.#store.hotQuestionChanges(siteId, this.#clock()));
    return this.#groupsOf(siteId).page({ offset, limit });
  }

  // Group changes stored by other instances (none with a store of one's own).
  #apply(siteId, { reset, groups }) {
    if (reset) this.#sites.delete(siteId);
    const site = this.#groupsOf(siteId);
    for (const { number, group } of groups) {
      if (group) site.restore(group);
      else site.remove(number);
    }
  }

  #groupsOf(siteId) {
    if (!this.#sites.has(siteId)) this.#sites.set(siteId, new QuestionGroups(this.#options));
    return this.#sites.get(siteId);
  }
}
