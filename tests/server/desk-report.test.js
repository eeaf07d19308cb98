// The console's reports from conversation records (server/reports/desk-report.js), and
// the user-agent parsing of the visitor panel (server/agent/visitor-profile.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deskReport, percentile } from '../../server/reports/desk-report.js';
import { parseUserAgent } from '../../server/agent/visitor-profile.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 11, 1, 8); // 2026-12-01 08:00 UTC

test('nearest-rank percentiles', () => {
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([7], 90), 7);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
});

test('per agent, team, site and day: conversations, bot-resolved share, hand-off reasons, p50/p90 times, CSAT', () => {
  const records = [
    // The bot answered and nobody was asked for: bot-resolved.
    { siteId: 'a', createdAt: T, botAnswered: true },
    // The bot answered, then the visitor asked for a person anyway: not bot-resolved.
    { siteId: 'a', createdAt: T, botAnswered: true, queuedAt: T + 1000, handoffReason: 'visitor', acceptedAt: T + 5000, firstResponseAt: T + 11_000, endedAt: T + 65_000, agentName: '小李', team: '售后', rating: { stars: 5 } },
    { siteId: 'a', createdAt: T + DAY, queuedAt: T + DAY, handoffReason: 'unanswered', acceptedAt: T + DAY + 1000, firstResponseAt: T + DAY + 30_000, endedAt: T + DAY + 301_000, agentName: '小李', team: '售后', rating: { stars: 2 } },
    { siteId: 'b', createdAt: T + DAY, queuedAt: T + DAY, handoffReason: 'keyword', agentName: '小王' },
    // Older than `since`: left out.
    { siteId: 'a', createdAt: T - 10 * DAY, botAnswered: true },
  ];
  const since = T - DAY;
  const byAgent = deskReport(records, { by: 'agent', since });
  assert.deepEqual(byAgent.map((r) => [r.key, r.conversations]), [['(bot only)', 1], ['小李', 2], ['小王', 1]]);
  const li = byAgent[1];
  assert.deepEqual(li.handoffReasons, { visitor: 1, unanswered: 1 });
  assert.deepEqual([li.firstResponseP50, li.firstResponseP90], [10, 30]);
  assert.deepEqual([li.handlingP50, li.handlingP90], [60, 300]);
  assert.equal(li.csatAverage, 3.5);
  assert.deepEqual(li.csatDistribution, [0, 1, 0, 0, 1]);
  assert.equal(byAgent[2].firstResponseP50, null, 'never answered: no first-response time');

  const bySite = deskReport(records, { by: 'site', since });
  assert.deepEqual(bySite.map((r) => [r.key, r.conversations, r.botResolved, r.handoffs]), [['a', 3, 1, 2], ['b', 1, 0, 1]]);
  assert.equal(bySite[0].botResolvedShare, 1 / 3);
  assert.deepEqual(deskReport(records, { by: 'team', since }).map((r) => r.key), ['(no team)', '售后']);
  assert.deepEqual(deskReport(records, { by: 'day', since }).map((r) => [r.key, r.conversations]), [['2026-12-01', 2], ['2026-12-02', 2]]);
});

test('device, browser and OS from a user agent; nothing from none', () => {
  assert.deepEqual(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'),
    { device: 'mobile', browser: 'Safari 17.0', os: 'iOS 17.0' });
  assert.deepEqual(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'),
    { device: 'desktop', browser: 'Chrome 120.0.0.0', os: 'Windows NT 10.0' });
  assert.deepEqual(parseUserAgent(''), { device: null, browser: null, os: null });
});
