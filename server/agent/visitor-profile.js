// What the console's visitor panel shows (docs/server.md, "Agent console protocol"):
// the page, referrer, locale and time zone the widget reported, device / browser / OS
// parsed here from the user agent (bowser; the console never parses it), the verified
// identity, custom attributes, and the visitor's earlier conversations and tickets.
import Bowser from 'bowser';

// An agent scrolls a few; a returning visitor with hundreds is summarized by the count.
const EARLIER_SHOWN = 20;

/** Device, browser and OS from a user-agent string; nulls for what it does not say. */
export function parseUserAgent(userAgent) {
  if (!userAgent) return { device: null, browser: null, os: null };
  const parsed = Bowser.parse(userAgent);
  const named = (part) => (part?.name ? [part.name, part.version].filter(Boolean).join(' ') : null);
  return { device: parsed.platform?.type ?? null, browser: named(parsed.browser), os: named(parsed.os) };
}

/**
 * @param {object} conversation the stored record
 * @param {{store: object}} services
 */
export async function visitorProfile(conversation, { store }) {
  const visitor = conversation.visitor ?? {};
  const sameVisitor = (other) => other.siteId === conversation.siteId
    && (other.visitorId === conversation.visitorId || (conversation.identity?.userId && other.identity?.userId === conversation.identity.userId));
  const earlier = [];
  for await (const other of store.conversations()) {
    if (other.id !== conversation.id && sameVisitor(other)) earlier.push({ conversationId: other.id, createdAt: other.createdAt, state: other.state, agentName: other.agentName ?? null, rating: other.rating ?? null });
  }
  earlier.sort((a, b) => b.createdAt - a.createdAt);
  const earlierIds = new Set([conversation.id, ...earlier.map((c) => c.conversationId)]);
  const tickets = (await store.tickets(conversation.siteId)).filter((t) => t.visitorId === conversation.visitorId || earlierIds.has(t.conversationId))
    .map((t) => ({ id: t.id, createdAt: t.createdAt, status: t.status, message: t.message }));
  return {
    ...parseUserAgent(visitor.userAgent),
    page: visitor.page ?? null,
    pages: visitor.pages ?? [],
    referrer: visitor.referrer ?? null,
    timeZone: visitor.timeZone ?? null,
    locale: conversation.locale ?? null,
    identity: conversation.identity ? { verified: true, userId: conversation.identity.userId ?? null, name: conversation.identity.name ?? null, email: conversation.identity.email ?? null } : null,
    prechat: conversation.prechat ?? null,
    // Set by the widget's update({attributes}) where that exists; shown as given.
    attributes: conversation.attributes ?? null,
    earlierConversations: earlier.slice(0, EARLIER_SHOWN),
    earlierCount: earlier.length,
    tickets,
  };
}
