// What the widget shows before the visitor writes (docs/embedding.md, "Home screen and
// texts"): the site's words and look from the config, the suggested questions, and
// whether a person can answer now. Served at /site/<siteId>.json; public, like the KB.
import { describeBusinessHours } from '../routing/business-hours.js';

const LOCALES = new Set(['zh-CN', 'zh-TW', 'en']);

/**
 * @param {{config: object, desk: import('../routing/agent-desk.js').AgentDesk, knowledge: import('../kb/site-knowledge.js').SiteKnowledge}} services
 * @param {string} siteId
 * @param {string|null} locale the visitor's, for the business hours' wording
 * @returns {object|null} null for a site the server does not know
 */
export function siteProfile({ config, desk, knowledge }, siteId, locale) {
  const site = Object.hasOwn(config.sites, siteId) ? config.sites[siteId] : null;
  if (!site) return null;
  const answerLocales = knowledge.answerLocales(siteId);
  const hours = describeBusinessHours(site.businessHours, LOCALES.has(locale) ? locale : 'en');
  return {
    name: site.name,
    texts: site.texts,
    logo: site.logo,
    avatars: site.avatars,
    accent: site.accent,
    position: site.position,
    suggestions: knowledge.suggestedQuestions(siteId, site.suggestedQuestions),
    // The locales with answer texts of their own, published beside the index as
    // /kb/<siteId>/<version>.<locale>.json: a widget in one of them fetches its texts.
    localizedAnswers: answerLocales.length > 0,
    answerLocales,
    availability: { ...desk.availability(siteId), ...(hours ? { hours } : {}) },
  };
}
