// Tickets (work orders) from leave-a-message: filtered by status, priority, assignee and
// site, each with its first-response due time (overdue ones marked), and one ticket's
// detail: status, priority, assignee (an agent or a team), internal notes, and replies
// that reach the visitor's conversation. CSV export of what the filters show.
import { el, formatTime } from './dom.js';
import { exportCsv } from './csv.js';

const STATUSES = { open: 'open 待处理', pending: 'pending 处理中', solved: 'solved 已解决', closed: 'closed 已关闭' };
const PRIORITIES = { low: 'low 低', normal: 'normal 普通', high: 'high 高', urgent: 'urgent 紧急' };

const assigneeText = (a) => (a ? `${a.kind === 'team' ? 'team 团队' : 'agent 客服'}: ${a.name}` : '—');

export class TicketsPanel {
  #nodes; // {filters: {status, priority, assignee, site}, table, detail, export}
  #send;
  #tickets = [];
  #openId = null;

  /** @param {object} nodes @param {(frame: object) => boolean} send */
  constructor(nodes, send) {
    this.#nodes = nodes;
    this.#send = send;
    for (const control of Object.values(nodes.filters)) control.addEventListener('input', () => this.#renderTable());
    nodes.export.addEventListener('click', () => this.exportCsv());
  }

  render(tickets) {
    this.#tickets = tickets;
    const sites = [...new Set(tickets.map((t) => t.siteId))].sort();
    const siteFilter = this.#nodes.filters.site;
    const chosen = siteFilter.value;
    siteFilter.replaceChildren(el('option', { text: 'all sites 全部站点', attrs: { value: '' } }), ...sites.map((s) => el('option', { text: s, attrs: { value: s } })));
    siteFilter.value = sites.includes(chosen) ? chosen : '';
    this.#renderTable();
    this.#renderDetail();
  }

  /** One ticket changed (pushed by the server). */
  updated(ticket) {
    const i = this.#tickets.findIndex((t) => t.id === ticket.id);
    if (i === -1) this.#tickets.unshift(ticket);
    else this.#tickets[i] = ticket;
    this.render(this.#tickets);
  }

  #shown() {
    const { status, priority, assignee, site } = this.#nodes.filters;
    const who = assignee.value.trim().toLowerCase();
    return this.#tickets.filter((t) => (!status.value || t.status === status.value)
      && (!priority.value || t.priority === priority.value)
      && (!site.value || t.siteId === site.value)
      && (!who || (t.assignee?.name ?? '').toLowerCase().includes(who)));
  }

  exportCsv() {
    const rows = this.#shown().map((t) => [t.id, t.siteId, new Date(t.createdAt).toISOString(), t.status, t.priority, t.assignee?.kind ?? '', t.assignee?.name ?? '',
      new Date(t.firstResponseDueAt).toISOString(), t.firstResponseAt ? new Date(t.firstResponseAt).toISOString() : '', t.message, t.contact, t.notes.length]);
    exportCsv('tickets', 'kefu-tickets.csv', ['id', 'site', 'created', 'status', 'priority', 'assignee_kind', 'assignee', 'first_response_due', 'first_response_at', 'message', 'contact', 'notes'], rows);
  }

  #renderTable() {
    const now = Date.now();
    const shown = this.#shown();
    this.#nodes.count.textContent = `${shown.length} / ${this.#tickets.length}`;
    if (shown.length === 0) {
      this.#nodes.table.replaceChildren(el('tr', {}, el('td', { text: 'No tickets match. 没有符合条件的工单。', attrs: { colspan: 8 } })));
      return;
    }
    this.#nodes.table.replaceChildren(...shown.map((t) => {
      const overdue = !t.firstResponseAt && (t.status === 'open' || t.status === 'pending') && now > t.firstResponseDueAt;
      const due = t.firstResponseAt ? `answered 已回复 ${formatTime(t.firstResponseAt)}` : `${overdue ? '⚠ overdue 已超时 ' : ''}${formatTime(t.firstResponseDueAt)}`;
      return el('tr', { className: overdue ? 'overdue' : '', attrs: { 'data-ticket': t.id, 'data-status': t.status, 'aria-selected': String(t.id === this.#openId) } },
        el('td', {}, el('button', { text: t.id, attrs: { type: 'button', class: 'link' }, on: { click: () => this.#open(t.id) } })),
        el('td', { text: t.siteId }), el('td', { text: formatTime(t.createdAt) }), el('td', { text: due }),
        el('td', { text: STATUSES[t.status] ?? t.status }), el('td', { text: PRIORITIES[t.priority] ?? t.priority }),
        el('td', { text: assigneeText(t.assignee) }), el('td', { text: t.message }));
    }));
  }

  #open(id) {
    this.#openId = id;
    this.#renderTable();
    this.#renderDetail();
  }

  #renderDetail() {
    const t = this.#tickets.find((x) => x.id === this.#openId);
    const root = this.#nodes.detail;
    if (!t) {
      root.hidden = true;
      return;
    }
    root.hidden = false;
    const select = (id, options, value, field) => el('select', { attrs: { id }, on: { change: (event) => this.#send({ type: 'ticket_update', ticketId: t.id, [field]: event.target.value }) } },
      ...Object.entries(options).map(([v, label]) => el('option', { text: label, attrs: { value: v, selected: v === value } })));
    const assigneeKind = el('select', { attrs: { id: 'ticket-assignee-kind', 'aria-label': 'Assignee kind 负责人类型' } }, el('option', { text: 'agent 客服', attrs: { value: 'agent', selected: t.assignee?.kind !== 'team' } }), el('option', { text: 'team 团队', attrs: { value: 'team', selected: t.assignee?.kind === 'team' } }));
    const assigneeName = el('input', { attrs: { id: 'ticket-assignee', value: t.assignee?.name ?? '', maxlength: 40, placeholder: 'name 名称' } });
    const text = el('textarea', { attrs: { id: 'ticket-text', rows: 3, maxlength: 4000, placeholder: 'Reply to the visitor, or an internal note 回复访客或内部备注' } });
    const timeline = [
      ...(t.notes ?? []).map((n) => ({ at: n.at, text: `Internal note 内部备注 · ${n.by}: ${n.text}`, className: 'note' })),
      ...(t.replies ?? []).map((r) => ({ at: r.at, text: `Reply 回复 · ${r.by}: ${r.text}`, className: 'reply' })),
    ].sort((a, b) => a.at - b.at);
    root.replaceChildren(
      el('h3', { text: `${t.id} · ${t.siteId}` }),
      el('p', { text: t.message }),
      el('p', { className: 'muted', text: `Contact 联系方式: ${t.contact || '—'} · created 创建 ${formatTime(t.createdAt)}` }),
      el('div', { className: 'ticket-fields' },
        el('label', { text: 'Status 状态 ', attrs: { for: 'ticket-status' } }), select('ticket-status', STATUSES, t.status, 'status'),
        el('label', { text: 'Priority 优先级 ', attrs: { for: 'ticket-priority' } }), select('ticket-priority', PRIORITIES, t.priority, 'priority'),
        el('label', { text: 'Assignee 负责人 ', attrs: { for: 'ticket-assignee' } }), assigneeKind, assigneeName,
        el('button', { text: 'Assign 指派', attrs: { type: 'button', id: 'ticket-assign' }, on: { click: () => this.#send({ type: 'ticket_update', ticketId: t.id, assignee: assigneeName.value.trim() ? { kind: assigneeKind.value, name: assigneeName.value.trim() } : null }) } })),
      el('ol', { className: 'ticket-timeline' }, ...timeline.map((item) => el('li', { className: item.className, text: `${formatTime(item.at)} ${item.text}` }))),
      el('label', { className: 'visually-hidden', text: 'Text 内容', attrs: { for: 'ticket-text' } }), text,
      el('p', { className: 'actions' },
        el('button', { text: 'Reply to visitor 回复访客', attrs: { type: 'button', id: 'ticket-reply', disabled: !t.conversationId }, on: { click: () => text.value.trim() && this.#send({ type: 'ticket_reply', ticketId: t.id, text: text.value.trim() }) } }),
        el('button', { text: 'Add note 添加备注', attrs: { type: 'button', id: 'ticket-note' }, on: { click: () => text.value.trim() && this.#send({ type: 'ticket_note', ticketId: t.id, text: text.value.trim() }) } })),
    );
  }
}
