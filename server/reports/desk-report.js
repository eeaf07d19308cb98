// The console's reports (docs/server.md, "Reports"): conversations grouped per site,
// team, agent or UTC day, from the facts each conversation record keeps — when it was
// queued, accepted, first answered by a person and ended, why it was handed off, who
// took it, whether the bot answered it, and its rating. Pure: records in, rows out.

const DAY_MS = 86_400_000;
export const REPORT_DIMENSIONS = ['site', 'team', 'agent', 'day'];

const KEY_OF = {
  site: (c) => c.siteId,
  team: (c) => c.team ?? '(no team)',
  agent: (c) => c.agentName ?? '(bot only)',
  day: (c) => new Date(Math.floor(c.createdAt / DAY_MS) * DAY_MS).toISOString().slice(0, 10),
};

/** Nearest-rank percentile of a sorted list; null for an empty one. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(key, conversations) {
  const seconds = (list) => list.filter((s) => Number.isFinite(s) && s >= 0).sort((a, b) => a - b);
  const firstResponse = seconds(conversations.filter((c) => c.queuedAt && c.firstResponseAt).map((c) => (c.firstResponseAt - c.queuedAt) / 1000));
  const handling = seconds(conversations.filter((c) => c.acceptedAt && c.endedAt).map((c) => (c.endedAt - c.acceptedAt) / 1000));
  const handoffReasons = {};
  for (const c of conversations) if (c.handoffReason) handoffReasons[c.handoffReason] = (handoffReasons[c.handoffReason] ?? 0) + 1;
  const csatDistribution = [0, 0, 0, 0, 0];
  for (const c of conversations) if (c.rating?.stars >= 1 && c.rating.stars <= 5) csatDistribution[c.rating.stars - 1] += 1;
  const rated = csatDistribution.reduce((sum, n) => sum + n, 0);
  // Bot-resolved: the bot answered at least one question and nobody was asked for.
  const botResolved = conversations.filter((c) => c.botAnswered && !c.queuedAt).length;
  return {
    key,
    conversations: conversations.length,
    botResolved,
    botResolvedShare: conversations.length ? botResolved / conversations.length : 0,
    handoffs: conversations.filter((c) => c.queuedAt).length,
    handoffReasons,
    firstResponseP50: percentile(firstResponse, 50),
    firstResponseP90: percentile(firstResponse, 90),
    handlingP50: percentile(handling, 50),
    handlingP90: percentile(handling, 90),
    csatAverage: rated ? csatDistribution.reduce((sum, n, i) => sum + n * (i + 1), 0) / rated : null,
    csatDistribution,
  };
}

/**
 * @param {Iterable<object>} conversations stored conversation records
 * @param {{by: 'site'|'team'|'agent'|'day', since?: number}} options `since`: only
 *   conversations created at or after this time (ms)
 * @returns {object[]} one row per group, ordered by key
 */
export function deskReport(conversations, { by, since = 0 }) {
  const groups = new Map();
  for (const c of conversations) {
    if (c.createdAt < since) continue;
    const key = KEY_OF[by](c);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, list]) => summarize(key, list));
}
