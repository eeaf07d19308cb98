// The left column: every open conversation in one list — waiting visitors first (queue
// order), then the agent's own, then colleagues' — each row with the visitor, the site,
// the unread count, the last message and how long the visitor has been waiting.
//
// Hundreds of rows take messages many times a second, so rows are keyed and kept: a
// change marks its row dirty and one animation frame rewrites only the dirty rows'
// text; the order is recomputed only when a conversation comes, goes or changes state.
// Messages are batched for LIST_BATCH_MS first — a list read at a glance needs no 60
// updates a second, and each frame costs style, layout and paint — while the agent's
// own actions (selecting a chat) show in the next frame.
import { el } from './dom.js';

const LIST_BATCH_MS = 250;
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
  #onSelect;
  #rows = new Map(); // conversationId -> {li, button, name, badge, preview, detail}
  #dirty = new Set();
  #orderDirty = false;
  #frame = 0;
  #batch = 0;
  #model; // () => {conversations: Map, unread: Map, selectedId, myId, siteFilter}

  /** @param {{root: HTMLElement, onSelect: (id: string) => void, model: () => object}} options */
  constructor({ root, onSelect, model }) {
    this.#root = root;
    this.#onSelect = onSelect;
    this.#model = model;
  }

  /** Ids in display order (for next / previous chat). */
  order() {
    return [...this.#root.children].map((li) => li.dataset.conversation);
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

  /** Applies the pending changes now (next / previous chat reads the order first). */
  flush() {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#batch);
    this.#frame = 0;
    this.#batch = 0;
    const model = this.#model();
    if (this.#orderDirty) {
      this.#orderDirty = false;
      this.#applyOrder(model);
    }
    for (const id of this.#dirty) {
      const row = this.#rows.get(id);
      const conversation = model.conversations.get(id);
      if (row && conversation) this.#fill(row, conversation, model);
    }
    this.#dirty.clear();
  }

  #applyOrder(model) {
    const all = [...model.conversations.values()].filter((c) => (c.state === 'queued' || c.state === 'with_agent') && (!model.siteFilter || c.siteId === model.siteFilter));
    const rank = (c) => (c.state === 'queued' ? 0 : c.agentId === model.myId ? 1 : 2);
    all.sort((a, b) => rank(a) - rank(b) || (a.state === 'queued' ? a.position - b.position : (a.queuedAt ?? 0) - (b.queuedAt ?? 0)));
    const keep = new Set(all.map((c) => c.conversationId));
    for (const [id, row] of this.#rows) {
      if (!keep.has(id)) {
        row.li.remove();
        this.#rows.delete(id);
      }
    }
    // Moves only the rows that are out of place (a few per change, not all of them).
    let cursor = this.#root.firstElementChild;
    for (const conversation of all) {
      let row = this.#rows.get(conversation.conversationId);
      if (!row) {
        row = this.#row(conversation.conversationId);
        this.#rows.set(conversation.conversationId, row);
        this.#dirty.add(conversation.conversationId);
      }
      if (row.li === cursor) cursor = cursor.nextElementSibling;
      else this.#root.insertBefore(row.li, cursor);
    }
    for (const c of all) this.#dirty.add(c.conversationId);
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
    return { li, button, name, badge, site, preview, detail, text: {} };
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
}
