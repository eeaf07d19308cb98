// Hot questions: what visitors asked that the bot could not answer (tier `suggest` or
// `handoff`, as the server's own engine decided), grouped so that rephrasings of one
// question count together — the list a company works down to grow its knowledge base.
//
// Groups are kept per site in memory (QuestionGroups) and stored as they change, in
// the batch of the message that changed them; the report reads a page of them. What one
// visitor and one site may file per day is capped, so a script cannot flood the report.
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
  constructor(store, config) {
    this.#store = store;
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
   * visitor or the site is over today's cap.
   */
  file({ siteId, visitorId, text, tier, at }) {
    const day = Math.floor(at / DAY_MS);
    if (day !== this.#day) {
      this.#day = day;
      this.#filedBySite.clear();
      this.#filedByVisitor.clear();
    }
    const visitorKey = `${siteId}\n${visitorId}`;
    const byVisitor = this.#filedByVisitor.get(visitorKey) ?? 0;
    const bySite = this.#filedBySite.get(siteId) ?? 0;
    if (byVisitor >= this.#perVisitorPerDay || bySite >= this.#perSitePerDay) return null;
    const filed = this.#groupsOf(siteId).file({ text, tier, at });
    if (!filed) return null;
    this.#filedByVisitor.set(visitorKey, byVisitor + 1);
    this.#filedBySite.set(siteId, bySite + 1);
    return { siteId, group: filed.group, evicted: filed.evicted };
  }

  /** @returns {{total: number, questions: number, groups: object[]}} groups most asked first */
  page(siteId, { offset, limit }) {
    return this.#groupsOf(siteId).page({ offset, limit });
  }

  #groupsOf(siteId) {
    if (!this.#sites.has(siteId)) this.#sites.set(siteId, new QuestionGroups(this.#options));
    return this.#sites.get(siteId);
  }
}
