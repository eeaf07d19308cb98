// The satisfaction list and the hot questions the bot could not answer (grouped
// rephrasings, most asked first, with the last days' counts as a trend, and a "Teach"
// button that proposes an answer for the group: teach-panel.js), each with a CSV export
// of what it shows.
import { el, formatTime } from './dom.js';
import { exportCsv } from './csv.js';
import { sparkline } from './bar-chart.js';

const DAY_MS = 86_400_000;
// The hot-question trend covers this many days, today last.
const TREND_DAYS = 7;

/** The last `count` UTC days as YYYY-MM-DD, oldest first. */
export function lastDays(count, now = Date.now()) {
  const today = Math.floor(now / DAY_MS);
  return Array.from({ length: count }, (_, i) => new Date((today - count + 1 + i) * DAY_MS).toISOString().slice(0, 10));
}

export class ReportsPanel {
  #nodes;
  #onHotPage;
  #onTeach;
  #ratings = [];
  #groups = [];

  /**
   * @param {object} nodes
   * @param {(offset: number) => void} onHotPage asks for the hot-questions page at offset
   * @param {(siteId: string, group: object) => void} onTeach opens the teach form for a group
   */
  constructor(nodes, onHotPage, onTeach) {
    this.#nodes = nodes;
    this.#onHotPage = onHotPage;
    this.#onTeach = onTeach;
    nodes.ratingsExport.addEventListener('click', () => exportCsv('ratings', 'kefu-ratings.csv', ['rated_at', 'stars', 'comment', 'conversation'],
      this.#ratings.map((r) => [new Date(r.ratedAt).toISOString(), r.stars, r.comment ?? '', r.conversationId])));
    nodes.hotExport.addEventListener('click', () => {
      const days = lastDays(TREND_DAYS);
      exportCsv('hot_questions', 'kefu-hot-questions.csv', ['question', 'count', 'last_asked', ...days, 'examples'],
        this.#groups.map((g) => [g.question, g.count, g.lastAskedAt ? new Date(g.lastAskedAt).toISOString() : '', ...days.map((d) => g.days?.[d] ?? 0), g.examples.join(' | ')]));
    });
  }

  renderRatings({ ratings, count, average }) {
    this.#ratings = ratings;
    this.#nodes.ratingsSummary.textContent = count ? `${count} ratings 条评价 · average 平均 ${average.toFixed(2)} ★` : 'No ratings yet. 暂无评价。';
    this.#nodes.ratings.replaceChildren(...ratings.map((r) => el('tr', {},
      el('td', { text: formatTime(r.ratedAt) }), el('td', { text: '★'.repeat(r.stars) + '☆'.repeat(5 - r.stars), attrs: { 'aria-label': `${r.stars} / 5` } }), el('td', { text: r.comment ?? '' }), el('td', { text: r.conversationId.slice(0, 8) }))));
  }

  // One page of groups, most asked first; the pager asks the server for the next one
  // (the reply never carries every question ever filed).
  renderHotQuestions({ siteId, groups, threshold, total, questions, offset, limit }) {
    this.#groups = groups;
    const days = lastDays(TREND_DAYS);
    this.#nodes.hotSummary.textContent = questions
      ? `${questions} unanswered questions in ${total} groups (bigram similarity ≥ ${threshold}); ${offset + 1}–${offset + groups.length} shown. 共 ${questions} 个未回答问题，${total} 组。`
      : 'The bot has answered everything so far. 机器人目前都回答了。';
    this.#nodes.hot.replaceChildren(...groups.map((g) => {
      const counts = days.map((d) => g.days?.[d] ?? 0);
      const today = counts.at(-1);
      const yesterday = counts.at(-2);
      const trend = today > yesterday ? '↑' : today < yesterday ? '↓' : '→';
      const label = `last ${TREND_DAYS} days 近${TREND_DAYS}天: ${counts.join(', ')}`;
      return el('li', {},
        el('strong', { text: `${g.question} ×${g.count}` }),
        el('span', { className: 'trend-text', text: ` today 今日 ${today} ${trend} ` }),
        sparkline(counts, label),
        el('span', { className: 'visually-hidden', text: label }),
        el('p', { className: 'examples', text: g.examples.join(' · ') }),
        el('button', { text: 'Teach the bot 教机器人', attrs: { type: 'button' }, on: { click: () => this.#onTeach(siteId, g) } }));
    }));
    this.#nodes.hot.start = offset + 1;
    const pager = this.#nodes.hotPager;
    pager.replaceChildren(
      el('button', { text: 'Previous 上一页', attrs: { type: 'button', disabled: offset === 0 }, on: { click: () => this.#onHotPage(Math.max(0, offset - limit)) } }),
      el('button', { text: 'Next 下一页', attrs: { type: 'button', disabled: offset + groups.length >= total }, on: { click: () => this.#onHotPage(offset + groups.length) } }),
    );
  }
}
