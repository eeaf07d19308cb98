// The open conversation: the whole history (bot turns with the FAQ tier each question
// got, and the agents' internal notes in line), the visitor typing, read receipts on the
// agent's messages, the composer (a reply to the visitor, or an internal note that only
// agents see; `/` lists the team's canned replies) and the accept / back-to-bot / end
// actions. Picking a visitor message asks for the KB answers to it (agent assist).
import { el, formatTime } from './dom.js';
import { fillVariables, searchCanned } from './canned-replies.js';

const AUTHOR_LABELS = { visitor: 'Visitor 访客', bot: 'Bot 机器人', system: 'System 系统' };
const TIER_LABELS = { answer: 'answered 已回答', suggest: 'suggested 推荐', handoff: 'not answered 未回答' };
const REASON_LABELS = { visitor: 'asked for a person 访客要求人工', keyword: 'keyword 关键词', unanswered: 'bot could not answer 机器人未能回答' };
// Typing "on" is repeated no more than this often, and "off" follows this much quiet.
const TYPING_QUIET_MS = 3000;
const CANNED_SHOWN = 8;

export class ConversationPane {
  #nodes;
  #actions;
  #summary = null;
  #myId = '';
  #myName = '';
  #lastSeq = 0;
  #typingTimer = null;
  #typingSent = false;
  #mode = 'reply';
  #canned = [];
  #cannedMatches = [];
  #cannedIndex = 0;
  #scrollFrame = 0;

  /** @param {{nodes: object, actions: {accept, transfer, end, send, note, typing, read, assist, draft, attachment?}}} options
   *   attachment(conversationId, attachment): the node showing a message's file */
  constructor({ nodes, actions }) {
    this.#nodes = nodes;
    this.#actions = actions;
    nodes.accept.addEventListener('click', () => this.accept());
    nodes.transfer.addEventListener('click', () => this.#summary && actions.transfer(this.#summary.conversationId));
    nodes.end.addEventListener('click', () => this.end());
    nodes.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    nodes.reply.addEventListener('keydown', (event) => this.#composerKey(event));
    nodes.reply.addEventListener('input', () => {
      this.#typed();
      this.#searchCanned();
      if (this.#summary) actions.draft(this.#summary.conversationId, nodes.reply.value);
    });
    for (const radio of nodes.modes) radio.addEventListener('change', () => radio.checked && this.#setMode(radio.value));
    nodes.messages.addEventListener('click', (event) => {
      const item = event.target.closest('.from-visitor');
      if (item && this.#summary) this.#actions.assist(this.#summary.conversationId, Number(item.dataset.seq), item.querySelector('.text').textContent);
    });
  }

  get conversationId() {
    return this.#summary?.conversationId ?? null;
  }

  get summary() {
    return this.#summary;
  }

  show(summary, messages, notes, { myId, myName }, draft) {
    const switching = summary.conversationId !== this.conversationId;
    if (switching) this.#stopTyping();
    this.#summary = summary;
    this.#myId = myId;
    this.#myName = myName;
    this.#nodes.empty.hidden = true;
    this.#nodes.body.hidden = false;
    this.#nodes.typing.hidden = true;
    this.#renderHead();
    const items = [...messages.map((m) => ({ at: m.time, node: this.#messageNode(m) })), ...notes.map((n) => ({ at: n.createdAt, node: this.#noteNode(n) }))];
    // Notes sit among the messages by time; messages keep their seq order.
    items.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
    this.#nodes.messages.replaceChildren(...items.map((item) => item.node));
    this.#lastSeq = messages.at(-1)?.seq ?? 0;
    this.#scrollToEnd();
    this.#renderReceipts();
    if (switching) {
      this.#nodes.reply.value = draft ?? '';
      this.#hideCanned();
    }
    this.#markRead();
  }

  update(summary) {
    if (summary.conversationId !== this.conversationId) return;
    this.#summary = summary;
    this.#renderHead();
    this.#renderReceipts();
  }

  addMessage(message) {
    if (this.#nodes.messages.querySelector(`[data-seq="${message.seq}"]`)) return;
    this.#nodes.messages.append(this.#messageNode(message));
    this.#lastSeq = Math.max(this.#lastSeq, message.seq);
    this.#scrollToEnd();
    if (message.author === 'agent') this.#renderReceipts();
    if (message.author === 'visitor') this.#nodes.typing.hidden = true;
    this.#markRead();
  }

  addNote(note) {
    if (this.#nodes.messages.querySelector(`[data-note="${CSS.escape(note.id)}"]`)) return;
    this.#nodes.messages.append(this.#noteNode(note));
    this.#scrollToEnd();
  }

  setVisitorTyping(on) {
    this.#nodes.typing.hidden = !on;
  }

  setVisitorRead(upToSeq) {
    if (!this.#summary) return;
    this.#summary = { ...this.#summary, visitorReadUpTo: Math.max(this.#summary.visitorReadUpTo, upToSeq) };
    this.#renderReceipts();
  }

  setCanned(replies) {
    this.#canned = replies;
    if (/^\/\S*$/u.test(this.#nodes.reply.value)) this.#searchCanned();
  }

  status(text) {
    this.#nodes.status.textContent = text;
  }

  /** Puts text in the composer (an assist answer) for the agent to edit and send. */
  compose(text) {
    this.#setMode('reply');
    this.#nodes.reply.value = text;
    this.#nodes.reply.focus();
    if (this.#summary) this.#actions.draft(this.#summary.conversationId, text);
  }

  accept() {
    if (this.#summary?.state === 'queued') this.#actions.accept(this.#summary.conversationId);
  }

  end() {
    if (this.#isMine()) this.#actions.end(this.#summary.conversationId);
  }

  /** Sends the composer's text as a reply or, in note mode, as an internal note. */
  send() {
    const text = this.#nodes.reply.value.trim();
    if (!text || !this.#summary) return;
    let sent;
    if (this.#mode === 'note') sent = this.#actions.note(this.#summary.conversationId, text);
    else {
      if (!this.#isMine()) return;
      this.#stopTyping();
      sent = this.#actions.send(this.#summary.conversationId, text);
    }
    if (sent) {
      this.#nodes.reply.value = '';
      this.#actions.draft(this.#summary.conversationId, '');
    } else this.status('Not connected; the text was kept. 未连接，内容已保留。');
  }

  #setMode(mode) {
    this.#mode = mode;
    for (const radio of this.#nodes.modes) radio.checked = radio.value === mode;
    this.#nodes.composer.classList.toggle('note-mode', mode === 'note');
    this.#nodes.reply.placeholder = mode === 'note'
      ? 'Internal note, agents only 内部备注（仅客服可见）'
      : 'Type a reply, Enter to send, / for canned replies 输入回复，回车发送，/ 快捷回复';
    this.#renderHead();
  }

  #composerKey(event) {
    const open = !this.#nodes.canned.hidden;
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      this.#cannedIndex = (this.#cannedIndex + (event.key === 'ArrowDown' ? 1 : -1) + this.#cannedMatches.length) % this.#cannedMatches.length;
      this.#renderCanned();
      return;
    }
    if (open && event.key === 'Escape') {
      event.preventDefault();
      this.#hideCanned();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (open) this.#pickCanned(this.#cannedMatches[this.#cannedIndex]);
      else this.send();
    }
  }

  // "/" at the start of the composer searches the canned replies (kept current by the
  // server's `canned_changed`).
  #searchCanned() {
    const match = /^\/(\S*)$/u.exec(this.#nodes.reply.value);
    this.#cannedMatches = match ? searchCanned(this.#canned, match[1]).slice(0, CANNED_SHOWN) : [];
    this.#cannedIndex = 0;
    if (this.#cannedMatches.length === 0) this.#hideCanned();
    else this.#renderCanned();
  }

  #renderCanned() {
    const list = this.#nodes.canned;
    list.hidden = false;
    this.#nodes.reply.setAttribute('aria-expanded', 'true');
    list.replaceChildren(...this.#cannedMatches.map((reply, i) => el('li', {
      attrs: { role: 'option', id: `canned-${i}`, 'aria-selected': String(i === this.#cannedIndex) },
      on: { mousedown: (event) => { event.preventDefault(); this.#pickCanned(reply); } },
    }, el('strong', { text: `/${reply.shortcut}` }), el('span', { text: reply.text }))));
    this.#nodes.reply.setAttribute('aria-activedescendant', `canned-${this.#cannedIndex}`);
  }

  // Called on every keystroke that is not a `/` search: when already hidden it writes
  // nothing (an attribute write per key restyles the composer).
  #hideCanned() {
    if (this.#nodes.canned.hidden) return;
    this.#nodes.canned.hidden = true;
    this.#nodes.reply.setAttribute('aria-expanded', 'false');
    this.#nodes.reply.removeAttribute('aria-activedescendant');
  }

  #pickCanned(reply) {
    this.#hideCanned();
    const s = this.#summary;
    this.#nodes.reply.value = fillVariables(reply.text, { visitorName: s?.visitorName ?? '', agentName: this.#myName });
    if (s) this.#actions.draft(s.conversationId, this.#nodes.reply.value);
  }

  #isMine() {
    return this.#summary?.state === 'with_agent' && this.#summary.agentId === this.#myId;
  }

  // In the next frame, once: reading scrollHeight right after appending would lay the
  // page out in the message handler, and again in the frame.
  #scrollToEnd() {
    if (this.#scrollFrame) return;
    this.#scrollFrame = requestAnimationFrame(() => {
      this.#scrollFrame = 0;
      const list = this.#nodes.messages;
      list.scrollTop = list.scrollHeight;
    });
  }

  #markRead() {
    if (this.#isMine() && this.#lastSeq && document.visibilityState !== 'hidden') this.#actions.read(this.#summary.conversationId, this.#lastSeq);
  }

  #renderHead() {
    const s = this.#summary;
    if (!s) return;
    this.#nodes.title.textContent = s.visitorName ?? `Visitor ${s.visitorId}`;
    const parts = [`${s.siteId}`, `state 状态: ${s.state}`];
    if (s.agentName) parts.push(`agent 客服: ${s.agentName}`);
    if (s.handoffReason) parts.push(`hand-off 转人工: ${REASON_LABELS[s.handoffReason] ?? s.handoffReason}`);
    if (s.verifiedUserId) parts.push(`verified user 已验证用户: ${s.verifiedUserId}`);
    if (s.locale) parts.push(s.locale);
    if (s.prechat) parts.push(Object.entries(s.prechat).map(([k, v]) => `${k}: ${v}`).join(', '));
    if (s.attributes) parts.push(Object.entries(s.attributes).map(([k, v]) => `${k}: ${v}`).join(', '));
    if (s.rating) parts.push(`rating 评价: ${'★'.repeat(s.rating.stars)}`);
    this.#nodes.meta.textContent = parts.join(' · ');
    const mine = this.#isMine();
    this.#nodes.accept.disabled = s.state !== 'queued';
    this.#nodes.transfer.disabled = !mine;
    this.#nodes.end.disabled = !mine;
    // Notes can be written on any conversation; replies only on one's own.
    const canWrite = mine || this.#mode === 'note';
    this.#nodes.reply.disabled = !canWrite;
    this.#nodes.sendButton.disabled = !canWrite;
    this.#nodes.sendButton.textContent = this.#mode === 'note' ? 'Add note 添加备注' : 'Send 发送';
    if (this.#nodes.attach) this.#nodes.attach.disabled = !mine;
  }

  #messageNode(message) {
    const who = message.author === 'agent' ? message.name ?? 'Agent' : AUTHOR_LABELS[message.author] ?? message.author;
    const label = el('span', { className: 'who', text: `${who} · ${formatTime(message.time)}` });
    if (message.tier) label.append(el('span', { className: `tier tier-${message.tier}`, text: TIER_LABELS[message.tier] ?? message.tier }));
    const node = el('li', { className: `message from-${message.author}`, attrs: { 'data-seq': message.seq } }, label, el('span', { className: 'text', text: message.text }));
    if (message.author === 'visitor') node.title = 'Click for KB answers 点击查看知识库答案';
    if (message.attachment && this.#actions.attachment) node.append(this.#actions.attachment(this.#summary.conversationId, message.attachment));
    if (message.author === 'agent') node.append(el('span', { className: 'receipt' }));
    return node;
  }

  #noteNode(note) {
    return el('li', { className: 'message note', attrs: { 'data-note': note.id } },
      el('span', { className: 'who', text: `Internal note 内部备注 · ${note.by} · ${formatTime(note.createdAt)}` }),
      el('span', { className: 'text', text: note.text }));
  }

  #renderReceipts() {
    const readUpTo = this.#summary?.visitorReadUpTo ?? 0;
    for (const receipt of this.#nodes.messages.querySelectorAll('.from-agent .receipt')) {
      const seq = Number(receipt.parentElement.dataset.seq);
      const text = seq <= readUpTo ? 'Read 已读' : 'Delivered 已送达';
      if (receipt.textContent !== text) receipt.textContent = text;
    }
  }

  #typed() {
    if (!this.#isMine() || this.#mode === 'note') return;
    if (!this.#typingSent) {
      this.#typingSent = true;
      this.#actions.typing(this.#summary.conversationId, true);
    }
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#stopTyping(), TYPING_QUIET_MS);
  }

  #stopTyping() {
    clearTimeout(this.#typingTimer);
    if (this.#typingSent && this.#summary) this.#actions.typing(this.#summary.conversationId, false);
    this.#typingSent = false;
  }

  dispose() {
    clearTimeout(this.#typingTimer);
    cancelAnimationFrame(this.#scrollFrame);
  }
}
