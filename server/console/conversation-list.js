// The left column: visitors waiting (in queue order) and conversations being handled.
import { el, formatTime } from './dom.js';

const STATE_LABELS = { queued: 'waiting 排队', with_agent: 'chatting 进行中', ended: 'ended 已结束', rated: 'rated 已评价', bot: 'bot 机器人' };

export class ConversationList {
  #queueList;
  #activeList;
  #queueCount;
  #onSelect;

  constructor({ queueList, activeList, queueCount, onSelect }) {
    this.#queueList = queueList;
    this.#activeList = activeList;
    this.#queueCount = queueCount;
    this.#onSelect = onSelect;
  }

  render(conversations, selectedId, myId) {
    const all = [...conversations.values()];
    const waiting = all.filter((c) => c.state === 'queued').sort((a, b) => a.position - b.position);
    const active = all.filter((c) => c.state !== 'queued').sort((a, b) => Number(b.agentId === myId) - Number(a.agentId === myId));
    this.#queueCount.textContent = waiting.length ? `(${waiting.length})` : '';
    // Visible in the tab strip while the agent works in another tab.
    document.title = `${waiting.length ? `(${waiting.length}) ` : ''}Kefu 客服工作台`;
    this.#queueList.replaceChildren(...waiting.map((c) => this.#item(c, selectedId, `#${c.position} · ${formatTime(c.queuedAt)}`)));
    this.#activeList.replaceChildren(...active.map((c) => this.#item(c, selectedId, `${STATE_LABELS[c.state] ?? c.state}${c.agentName ? ` · ${c.agentName}` : ''}`)));
  }

  #item(conversation, selectedId, detail) {
    const title = conversation.visitorName ?? `Visitor ${conversation.visitorId.slice(0, 10)}`;
    const button = el('button', { attrs: { type: 'button', 'aria-current': conversation.conversationId === selectedId ? 'true' : 'false' }, on: { click: () => this.#onSelect(conversation.conversationId) } },
      el('span', { text: title }),
      el('span', { className: 'line2', text: `${detail}${conversation.online ? '' : ' · offline 离线'}` }));
    return el('li', {}, button);
  }
}
