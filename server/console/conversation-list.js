// The left column: every open conversation in one list — waiting visitors first (queue
// order), then the agent's own, then colleagues' — each row with the visitor, the site,
// the unread count, the last message and how long the visitor has been waiting.
//
// Hundreds of rows take messages many times a second, so the list is windowed: rows
// have one fixed height, the list is as tall as all of them, and only the rows in view
// (plus a few either side) are in the page, each placed at its index. Rows are keyed
// and kept while in view; a change marks its row dirty and one animation frame rewrites
// only the dirty rows' changed text, so a message for a conversation out of view costs
// no DOM work at all. Profiling 500 rows showed why: with every row in the page, even
// `content-visibility: auto` cost each frame (a keystroke's too) about 2 ms of
// intersection checks, and without it each list update laid out all the rows. The order
// is recomputed only when a conversation comes, goes or changes state. Messages are
// batched for LIST_BATCH_MS first — a list read at a glance needs no 60 updates a
// second — while the agent's own actions (selecting a chat, scrolling) show in the next
// frame.
import { el } from './dom.js';

const LIST_BATCH_MS = 250;
// One row's height including the gap below it (the stylesheet reads it as --row-slot;
// a row's content is three lines of text, each kept to one line).
const ROW_REM = 4.6;
// Rows kept in the page above and below the visible ones, so a scroll shows rows at once.
const OVERSCAN_ROWS = 4;
const STATE_LABELS = { queued: 'waiting 排队', with_agent: 'chatting 进行中', ended: 'ended 已结束', rated: 'rated 已评价', bot: 'bot 机器人' };

/** "45 s", "12 min", "3 h": coarse on purpose, it is read at a glance. */
export function formatWait(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

export class ConversationList {
  #root;
  #scroller;
  #onSelect;
  #order = []; // conversation ids in display order
  #rows = new Map(); // conversationId -> {li, button, name, badge, preview, detail, index}: the rows in the page
  #dirty = new Set();
  #orderDirty = false;
  #frame = 0;
  #batch = 0;
  #model; // () => {conversations: Map, unread: Map, selectedId, myId, siteFilter}
  #resize;
  #onScroll = () => this.#schedule(true);

  /**
   * @param {{root: HTMLElement, scroller: HTMLElement, onSelect: (id: string) => void, model: () => object}} options
   *   root: the list element; scroller: the element that scrolls it
   */
  constructor({ root, scroller, onSelect, model }) {
    this.#root = root;
    this.#scroller = scroller;
    this.#onSelect = onSelect;
    this.#model = model;
    root.style.setProperty('--row-slot', `${ROW_REM}rem`);
    scroller.addEventListener('scroll', this.#onScroll, { passive: true });
    // Shown again after another view, or resized: other rows come into view.
    this.#resize = new ResizeObserver(() => this.#schedule(true));
    this.#resize.observe(scroller);
  }

  /** Ids in display order (for next / previous chat), pending changes applied. */
  order() {
    this.flush();
    return [...this.#order];
  }

  /** Scrolls the conversation's row into view (next / previous chat). */
  reveal(conversationId) {
    const index = this.#order.indexOf(conversationId);
    if (index < 0) return;
    const rowPx = this.#rowPx();
    const top = this.#root.offsetTop + index * rowPx;
    const view = this.#scroller;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + rowPx > view.scrollTop + view.clientHeight) view.scrollTop = top + rowPx - view.clientHeight;
    this.flush();
  }

  /** Something changed that may move rows (a conversation added, removed, or its state changed). */
  reorder() {
    this.#orderDirty = true;
    this.#schedule(false);
  }

  /** The row's text changed (a message, a read); `urgent`: the agent's own action (the selection). */
  touch(conversationId, { urgent = false } = {}) {
    this.#dirty.add(conversationId);
    this.#schedule(urgent);
  }

  /** Every row's waiting time moves on. */
  touchAll() {
    for (const id of this.#rows.keys()) this.#dirty.add(id);
    this.#schedule(false);
  }

  #schedule(urgent) {
    if (this.#frame) return;
    if (urgent) {
      clearTimeout(this.#batch);
      this.#batch = 0;
      this.#frame = requestAnimationFrame(() => this.flush());
    } else if (!this.#batch) {
      this.#batch = setTimeout(() => {
        this.#batch = 0;
        if (!this.#frame) this.#frame = requestAnimationFrame(() => this.flush());
      }, LIST_BATCH_MS);
    }
  }

  /** Applies the pending changes now. */
  flush() {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#batch);
    this.#frame = 0;
    this.#batch = 0;
    const model = this.#model();
    // Geometry is read before anything is written, so the frame lays out once.
    const rowPx = this.#rowPx();
    const top = this.#scroller.scrollTop - this.#root.offsetTop;
    const height = this.#scroller.clientHeight;
    if (this.#orderDirty) {
      this.#orderDirty = false;
      this.#order = this.#sorted(model);
      this.#root.style.height = `${this.#order.length * ROW_REM}rem`;
    }
    const first = Math.max(0, Math.floor(top / rowPx) - OVERSCAN_ROWS);
    const end = Math.min(this.#order.length, Math.ceil((top + height) / rowPx) + OVERSCAN_ROWS);
    this.#place(first, end, model);
    for (const id of this.#dirty) {
      const row = this.#rows.get(id);
      const conversation = model.conversations.get(id);
      if (row && conversation) this.#fill(row, conversation, model);
    }
    this.#dirty.clear();
  }

  #rowPx() {
    return ROW_REM * parseFloat(getComputedStyle(document.documentElement).fontSize);
  }

  #sorted(model) {
    const all = [...model.conversations.values()].filter((c) => (c.state === 'queued' || c.state === 'with_agent') && (!model.siteFilter || c.siteId === model.siteFilter));
    const rank = (c) => (c.state === 'queued' ? 0 : c.agentId === model.myId ? 1 : 2);
    all.sort((a, b) => rank(a) - rank(b) || (a.state === 'queued' ? a.position - b.position : (a.queuedAt ?? 0) - (b.queuedAt ?? 0)));
    return all.map((c) => c.conversationId);
  }

  // Keeps in the page exactly the rows first..end-1, in display order (the reading and
  // tab order), each at its index; rows that stay are moved, not rebuilt.
  #place(first, end, model) {
    const wanted = new Set(this.#order.slice(first, end));
    for (const [id, row] of this.#rows) {
      if (!wanted.has(id)) {
        row.li.remove();
        this.#rows.delete(id);
      }
    }
    let cursor = this.#root.firstElementChild;
    for (let index = first; index < end; index += 1) {
      const id = this.#order[index];
      let row = this.#rows.get(id);
      if (!row) {
        row = this.#row(id);
        this.#rows.set(id, row);
        this.#dirty.add(id);
      }
      if (row.index !== index) {
        row.index = index;
        row.li.style.top = `${index * ROW_REM}rem`;
        row.li.setAttribute('aria-posinset', String(index + 1));
      }
      if (row.setSize !== this.#order.length) {
        row.setSize = this.#order.length;
        row.li.setAttribute('aria-setsize', String(this.#order.length));
      }
      if (row.li === cursor) cursor = cursor.nextElementSibling;
      else this.#root.insertBefore(row.li, cursor);
    }
  }

  #row(conversationId) {
    const name = el('span', { className: 'name' });
    const badge = el('span', { className: 'unread' });
    const site = el('span', { className: 'site' });
    const preview = el('span', { className: 'preview' });
    const detail = el('span', { className: 'line2' });
    const button = el('button', { attrs: { type: 'button' }, on: { click: () => this.#onSelect(conversationId) } },
      el('span', { className: 'line1' }, name, site, badge), preview, detail);
    const li = el('li', { attrs: { 'data-conversation': conversationId } }, button);
    return { li, button, name, badge, site, preview, detail, text: {}, index: -1, setSize: -1 };
  }

  // Writes a text only when it changed: most dirty rows differ in one field.
  #set(row, field, value) {
    if (row.text[field] === value) return;
    row.text[field] = value;
    row[field].textContent = value;
  }

  #fill(row, c, model) {
    const unread = model.unread.get(c.conversationId) ?? 0;
    const selected = c.conversationId === model.selectedId;
    if (row.text.selected !== selected) {
      row.text.selected = selected;
      row.button.setAttribute('aria-current', String(selected));
    }
    this.#set(row, 'name', c.visitorName ?? `Visitor ${c.visitorId.slice(0, 10)}`);
    this.#set(row, 'site', c.siteId);
    this.#set(row, 'badge', unread > 0 ? String(unread) : '');
    if (row.text.unreadLabel !== unread) {
      row.text.unreadLabel = unread;
      row.badge.setAttribute('aria-label', unread > 0 ? `${unread} unread 未读` : '');
      row.li.classList.toggle('has-unread', unread > 0);
    }
    const last = c.lastMessage;
    this.#set(row, 'preview', last ? `${last.author === 'visitor' ? '' : `${last.author === 'agent' ? '↩ ' : '🤖 '}`}${last.text}` : '');
    const waitingSince = c.state === 'queued' ? c.queuedAt : last?.author === 'visitor' ? last.at : null;
    const wait = waitingSince ? ` · waiting 等待 ${formatWait(Date.now() - waitingSince)}` : '';
    const who = c.state === 'queued' ? `#${c.position}` : c.agentName ?? '';
    this.#set(row, 'detail', `${STATE_LABELS[c.state] ?? c.state} ${who}${wait}${c.online ? '' : ' · offline 离线'}`);
  }

  dispose() {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#batch);
    this.#scroller.removeEventListener('scroll', this.#onScroll);
    this.#resize.disconnect();
  }
}
