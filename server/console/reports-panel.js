// The report views: tickets left while offline, satisfaction ratings and the
// hot questions the bot could not answer.
import { el, formatTime } from './dom.js';

const TICKET_STATUS = { open: 'open 待处理', closed: 'closed 已处理' };

export class ReportsPanel {
  #nodes;
  #onTicketStatus;
  #onHotPage;

  /**
   * @param {object} nodes
   * @param {(ticketId: string, status: 'open'|'closed') => void} onTicketStatus
   * @param {(offset: number) => void} onHotPage asks for the hot-questions page at offset
   */
  constructor(nodes, onTicketStatus, onHotPage) {
    this.#nodes = nodes;
    this.#onTicketStatus = onTicketStatus;
    this.#onHotPage = onHotPage;
  }

  renderTickets(tickets) {
    this.#nodes.tickets.replaceChildren(...tickets.map((t) => {
      const next = t.status === 'closed' ? 'open' : 'closed';
      const toggle = el('button', { text: next === 'closed' ? 'Mark handled 标记已处理' : 'Reopen 重新打开', attrs: { type: 'button' }, on: { click: () => this.#onTicketStatus(t.id, next) } });
      const status = el('td', { text: `${TICKET_STATUS[t.status] ?? t.status}${t.handledBy ? ` · ${t.handledBy}` : ''} ` }, toggle);
      return el('tr', { attrs: { 'data-ticket': t.id, 'data-status': t.status } },
        el('td', { text: t.id }), el('td', { text: formatTime(t.createdAt) }), el('td', { text: t.message }), el('td', { text: t.contact }), status);
    }));
    if (tickets.length === 0) this.#nodes.tickets.replaceChildren(el('tr', {}, el('td', { text: 'No tickets yet. 暂无留言。', attrs: { colspan: 5 } })));
  }

  renderRatings({ ratings, count, average }) {
    this.#nodes.ratingsSummary.textContent = count ? `${count} ratings 条评价 · average 平均 ${average.toFixed(2)} ★` : 'No ratings yet. 暂无评价。';
    this.#nodes.ratings.replaceChildren(...ratings.map((r) => el('tr', {},
      el('td', { text: formatTime(r.ratedAt) }), el('td', { text: '★'.repeat(r.stars) + '☆'.repeat(5 - r.stars), attrs: { 'aria-label': `${r.stars} / 5` } }), el('td', { text: r.comment ?? '' }), el('td', { text: r.conversationId.slice(0, 8) }))));
  }

  // One page of groups, most asked first; the pager asks the server for the next one
  // (the reply never carries every question ever filed).
  renderHotQuestions({ groups, threshold, total, questions, offset, limit }) {
    this.#nodes.hotSummary.textContent = questions
      ? `${questions} unanswered questions in ${total} groups (bigram similarity ≥ ${threshold}); ${offset + 1}–${offset + groups.length} shown. 共 ${questions} 个未回答问题，${total} 组。`
      : 'The bot has answered everything so far. 机器人目前都回答了。';
    this.#nodes.hot.replaceChildren(...groups.map((g) => el('li', {},
      el('strong', { text: `${g.question} ×${g.count}` }),
      el('p', { className: 'examples', text: g.examples.join(' · ') }))));
    this.#nodes.hot.start = offset + 1;
    const pager = this.#nodes.hotPager;
    pager.replaceChildren(
      el('button', { text: 'Previous 上一页', attrs: { type: 'button', disabled: offset === 0 }, on: { click: () => this.#onHotPage(Math.max(0, offset - limit)) } }),
      el('button', { text: 'Next 下一页', attrs: { type: 'button', disabled: offset + groups.length >= total }, on: { click: () => this.#onHotPage(offset + groups.length) } }),
    );
  }
}
