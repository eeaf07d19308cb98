// Agent assist: the knowledge base's best answers to a visitor message, from the same
// wasm FAQ engine the bot runs (on the server), each with its score and the tier the bot
// gave the question; "Use" puts an answer in the composer to edit before sending.
import { el } from './dom.js';

const TIER_LABELS = { answer: 'answer 可直接回答', suggest: 'suggest 推荐', handoff: 'handoff 未命中' };

export class AssistPanel {
  #root;
  #onUse;

  /** @param {HTMLElement} root @param {(answer: string) => void} onUse */
  constructor(root, onUse) {
    this.#root = root;
    this.#onUse = onUse;
  }

  clear() {
    this.#root.replaceChildren(el('p', { className: 'muted', text: 'Click a visitor message for KB answers. 点击访客消息查看知识库答案。' }));
  }

  render({ question, tier, matches }) {
    const head = el('p', { className: 'assist-question' }, el('span', { text: `“${question}” ` }), el('span', { className: `tier tier-${tier}`, text: `bot tier 机器人判定: ${TIER_LABELS[tier] ?? tier}` }));
    if (matches.length === 0) {
      this.#root.replaceChildren(head, el('p', { className: 'muted', text: 'No KB match. 知识库无匹配。' }));
      return;
    }
    this.#root.replaceChildren(head, el('ol', { className: 'assist-list' }, ...matches.map((m, i) => el('li', {},
      el('strong', { text: m.question }),
      el('span', { className: 'score', text: ` score 得分 ${m.score.toFixed(2)}${i === 0 ? ` · ${tier}` : ''}` }),
      el('p', { text: m.answer }),
      el('button', { text: 'Use 使用', attrs: { type: 'button', 'data-faq': m.faqId }, on: { click: () => this.#onUse(m.answer) } })))));
  }
}
