// The console's routes for teaching the bot and editing its knowledge base, under
// /console/api/kb/ (server/kb/kb-library.js does the work; docs/server.md lists them).
// The team wall: an account reaches only the sites its teams serve (admins: every site),
// and a site it may not see gets the very answer an unknown one gets (404 unknown_site),
// so a guessed id tells nothing. Agents read the KB and propose; only admins review,
// edit, publish and roll back (the route's role).
const SITE = '([\\w-]{1,64})';
// An FAQ may carry a 20,000-character answer in several locales.
export const KB_MAX_BODY_BYTES = 512 * 1024;

/**
 * Route rows for console-routes.js: [method, pattern, role, run, maxBodyBytes].
 * @param {{library: import('../kb/kb-library.js').KnowledgeLibrary, teams: object, desk: object, config: object}} services
 */
export function kbRoutes({ library, teams, desk, config }) {
  const notFound = [404, { error: 'unknown_site' }];
  const visible = (auth, siteId) => Object.hasOwn(config.sites, siteId) && teams.siteVisibleTo(auth.account, siteId);
  // run(context, siteId) only for a site the account may see.
  const onSite = (run) => (context) => (visible(context.auth, context.match[1]) ? run(context, context.match[1]) : notFound);
  const answer = (result, created = 200) => {
    if (!result.error) return [created, result];
    const status = { unknown_faq: 404, unknown_proposal: 404, unknown_version: 404, already_reviewed: 409, no_draft: 409 }[result.error] ?? 400;
    return [status, result];
  };
  return [
    ['GET', /^kb\/sites$/, 'account', async ({ auth }) => [200, { sites: teams.sitesVisibleTo(auth.account) }]],
    ['GET', new RegExp(`^kb/${SITE}$`), 'account', onSite(async (_context, siteId) => [200, await library.working(siteId)])],
    ['GET', new RegExp(`^kb/${SITE}/proposals$`), 'account', onSite(async (_context, siteId) => [200, { proposals: await library.proposals(siteId) }])],
    ['POST', new RegExp(`^kb/${SITE}/proposals$`), 'account', onSite(async ({ auth, body }, siteId) => {
      // Taught from a conversation: one of this account's, on this site.
      if (body.conversationId !== undefined) {
        const conversation = await desk.visibleConversation(auth.account, body.conversationId);
        if (!conversation || conversation.siteId !== siteId) return [404, { error: 'unknown_conversation' }];
      }
      const source = { conversationId: body.conversationId, seq: body.seq, hotQuestion: body.hotQuestion };
      return answer(await library.propose(auth.account, siteId, { kind: body.kind, faqId: body.faqId, question: body.question, answer: body.answer, source }), 201);
    }), KB_MAX_BODY_BYTES],
    ['POST', new RegExp(`^kb/${SITE}/proposals/([\\w-]{1,64})$`), 'admin', onSite(async ({ auth, body, match }, siteId) => answer(await library.review(auth.account, siteId, match[2], body))), KB_MAX_BODY_BYTES],
    ['POST', new RegExp(`^kb/${SITE}/faqs$`), 'admin', onSite(async ({ auth, body }, siteId) => answer(await library.saveFaq(auth.account, siteId, { originalId: body.originalId, faq: body.faq }))), KB_MAX_BODY_BYTES],
    ['POST', new RegExp(`^kb/${SITE}/faqs/remove$`), 'admin', onSite(async ({ auth, body }, siteId) => answer(await library.removeFaq(auth.account, siteId, String(body.faqId))))],
    ['POST', new RegExp(`^kb/${SITE}/draft/discard$`), 'admin', onSite(async ({ auth }, siteId) => answer(await library.discardDraft(auth.account, siteId)))],
    ['POST', new RegExp(`^kb/${SITE}/publish$`), 'admin', onSite(async ({ auth }, siteId) => answer(await library.publish(auth.account, siteId)))],
    ['GET', new RegExp(`^kb/${SITE}/versions$`), 'admin', onSite(async (_context, siteId) => [200, { versions: await library.history(siteId) }])],
    ['POST', new RegExp(`^kb/${SITE}/rollback$`), 'admin', onSite(async ({ auth, body }, siteId) => answer(await library.rollback(auth.account, siteId, body.number)))],
  ];
}
