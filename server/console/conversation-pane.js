// The open conversation: the whole history (bot turns with the FAQ tier each question
// got), the visitor typing, read receipts on the agent's messages, the reply box and
// the accept / back-to-bot / end actions.
import { el, formatTime } from './dom.js';

const AUTHOR_LABELS = { visitor: 'Visitor 访客', bot: 'Bot 机器人', system: 'System 系统' };
const TIER_LABELS = { answer: 'answered 已回答', suggest: 'suggested 推荐', handoff: 'not answered 未回答' };
// Typing "on" is repeated no more than this often, and "off" follows this much quiet.
const TYPING_QUIET_MS = 3000;

export class ConversationPane {
  #nodes;
  #actions;
  #summary = null;
  #messages = [];
  #myId = '';
  #typingTimer = null;
  #typingSent = false;

  /** @param {{nodes: object, actions: {accept, transfer, end, send, typing, read, attachment?}}} options
   *   attachment(conversationId, attachment): the node showing a message's file */
  constructor({ nodes, actions }) {
    this.#nodes = nodes;
    this.#actions = actions;
    nodes.accept.addEventListener('click', () => this.#summary && actions.accept(this.#summary.conversationId));
    nodes.transfer.addEventListener('click', () => this.#summary && actions.transfer(this.#summary.conversationId));
    nodes.end.addEventListener('click', () => this.#summary && actions.end(this.#summary.conversationId));
    nodes.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#sendReply();
    });
    nodes.reply.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#sendReply();
      }
    });
    nodes.reply.addEventListener('input', () => this.#typed());
  }

  get conversationId() {
    return this.#summary?.conversationId ?? null;
  }

  show(summary, messages, myId) {
    this.#summary = summary;
    this.#messages = [...messages];
    this.#myId = myId;
    this.#nodes.empty.hidden = true;
    this.#nodes.body.hidden = false;
    this.#nodes.typing.hidden = true;
    this.#render();
    this.#markRead();
  }

  update(summary) {
    if (summary.conversationId !== this.conversationId) return;
    this.#summary = summary;
    this.#renderHead();
    this.#renderReceipts();
  }

  addMessage(message) {
    if (this.#messages.some((m) => m.seq === message.seq)) return;
    this.#messages.push(message);
    this.#messages.sort((a, b) => a.seq - b.seq);
    this.#nodes.messages.append(this.#messageNode(message));
    this.#nodes.messages.lastElementChild?.scrollIntoView({ block: 'end' });
    this.#renderReceipts();
    if (message.author === 'visitor') this.#nodes.typing.hidden = true;
    this.#markRead();
  }

  setVisitorTyping(on) {
    this.#nodes.typing.hidden = !on;
  }

  setVisitorRead(upToSeq) {
    if (!this.#summary) return;
    this.#summary = { ...this.#summary, visitorReadUpTo: Math.max(this.#summary.visitorReadUpTo, upToSeq) };
    this.#renderReceipts();
  }

  status(text) {
    this.#nodes.status.textContent = text;
  }

  #isMine() {
    return this.#summary?.state === 'with_agent' && this.#summary.agentId === this.#myId;
  }

  #markRead() {
    const last = this.#messages.at(-1);
    if (this.#isMine() && last && document.visibilityState !== 'hidden') this.#actions.read(this.#summary.conversationId, last.seq);
  }

  #render() {
    this.#renderHead();
    this.#nodes.messages.replaceChildren(...this.#messages.map((message) => this.#messageNode(message)));
    this.#nodes.messages.lastElementChild?.scrollIntoView({ block: 'end' });
    this.#renderReceipts();
  }

  #renderHead() {
    const s = this.#summary;
    this.#nodes.title.textContent = s.visitorName ?? `Visitor ${s.visitorId}`;
    const parts = [`state 状态: ${s.state}`];
    if (s.agentName) parts.push(`agent 客服: ${s.agentName}`);
    if (s.verifiedUserId) parts.push(`verified user 已验证用户: ${s.verifiedUserId}`);
    if (s.locale) parts.push(s.locale);
    if (s.prechat) parts.push(Object.entries(s.prechat).map(([k, v]) => `${k}: ${v}`).join(', '));
    if (s.attributes) parts.push(Object.entries(s.attributes).map(([k, v]) => `${k}: ${v}`).join(', '));
    if (s.rating) parts.push(`rating 评价: ${'★'.repeat(s.rating.stars)}`);
    this.#nodes.meta.textContent = parts.join(' · ');
    this.#nodes.accept.disabled = s.state !== 'queued';
    this.#nodes.transfer.disabled = !this.#isMine();
    this.#nodes.end.disabled = !this.#isMine();
    this.#nodes.reply.disabled = !this.#isMine();
    this.#nodes.composer.querySelector('button').disabled = !this.#isMine();
    if (this.#nodes.attach) this.#nodes.attach.disabled = !this.#isMine();
  }

  #messageNode(message) {
    const who = message.author === 'agent' ? message.name ?? 'Agent' : AUTHOR_LABELS[message.author] ?? message.author;
    const label = el('span', { className: 'who', text: `${who} · ${formatTime(message.time)}` });
    if (message.tier) label.append(el('span', { className: `tier tier-${message.tier}`, text: TIER_LABELS[message.tier] ?? message.tier }));
    const node = el('li', { className: `message from-${message.author}`, attrs: { 'data-seq': message.seq } }, label, el('span', { text: message.text }));
    if (message.attachment && this.#actions.attachment) node.append(this.#actions.attachment(this.#summary.conversationId, message.attachment));
    if (message.author === 'agent') node.append(el('span', { className: 'receipt' }));
    return node;
  }

  #renderReceipts() {
    const readUpTo = this.#summary?.visitorReadUpTo ?? 0;
    for (const receipt of this.#nodes.messages.querySelectorAll('.from-agent .receipt')) {
      const seq = Number(receipt.parentElement.dataset.seq);
      receipt.textContent = seq <= readUpTo ? 'Read 已读' : 'Delivered 已送达';
    }
  }

  #typed() {
    if (!this.#isMine()) return;
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

  #sendReply() {
    const text = this.#nodes.reply.value.trim();
    if (!text || !this.#isMine()) return;
    this.#stopTyping();
    if (this.#actions.send(this.#summary.conversationId, text)) this.#nodes.reply.value = '';
    else this.status('Not connected; the reply was kept. 未连接，回复已保留。');
  }
}
