// The agents' proposals for a site, for an admin to review (kb-panel.js): each pending one
// with its texts editable (the question, the FAQ it joins, or the new FAQ's id and
// answer), accepted into the draft or rejected. An accepted proposal the KB would refuse
// (the publish's own check) stays pending, with the core's reason beside it.
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el, formatTime } from './dom.js';

const KIND_LABELS = { similar: 'similar question 相似问', faq: 'new FAQ 新问答' };

export class ProposalReview {
  #nodes;
  #siteId = null;
  #onChanged;

  /**
   * @param {{list: HTMLElement, summary: HTMLElement}} nodes
   * @param {(status: string) => void} onChanged after a review (the panel reloads)
   */
  constructor(nodes, onChanged) {
    this.#nodes = nodes;
    this.#onChanged = onChanged;
  }

  /** @param {string} siteId @param {object[]} proposals newest first @param {object[]} faqs the working KB's */
  render(siteId, proposals, faqs) {
    this.#siteId = siteId;
    const pending = proposals.filter((p) => p.status === 'pending');
    const reviewed = proposals.length - pending.length;
    this.#nodes.summary.textContent = `${pending.length} pending 待审核 · ${reviewed} reviewed 已审核`;
    this.#nodes.list.replaceChildren(...pending.map((p) => this.#item(p, faqs)));
  }

  #item(proposal, faqs) {
    const question = el('input', { attrs: { value: proposal.question, maxlength: 500, 'aria-label': 'question 问题' } });
    let target;
    let answer = null;
    if (proposal.kind === 'similar') {
      target = el('select', { attrs: { 'aria-label': 'FAQ 目标问题' } }, ...faqs.map((faq) => el('option', { text: `${faq.id} · ${faq.question}`, attrs: { value: String(faq.id), selected: String(faq.id) === proposal.faqId } })));
    } else {
      target = el('input', { attrs: { value: `taught-${proposal.id.slice(-8)}`, maxlength: 128, 'aria-label': 'new FAQ id 新问答标识' } });
      answer = el('textarea', { attrs: { rows: 3, 'aria-label': 'answer 答案' } });
      answer.value = proposal.answer;
    }
    const error = el('p', { className: 'field-error', attrs: { role: 'alert' } });
    const from = proposal.source?.conversationId ? `conversation 会话 ${proposal.source.conversationId.slice(0, 8)}` : proposal.source?.hotQuestion ? `hot question 热点问题 “${proposal.source.hotQuestion}”` : '';
    const review = async (decision) => {
      const body = decision === 'reject' ? { decision } : proposal.kind === 'similar'
        ? { decision, question: question.value, faqId: target.value }
        : { decision, question: question.value, answer: answer.value, newFaqId: target.value };
      const { status, body: reply } = await consoleApi(`kb/${encodeURIComponent(this.#siteId)}/proposals/${encodeURIComponent(proposal.id)}`, { method: 'POST', body });
      if (status === 200) this.#onChanged(decision === 'accept' ? 'Accepted into the draft. 已加入草稿。' : 'Rejected. 已拒绝。');
      else error.textContent = reply.problem?.message ?? errorText(reply.error);
    };
    return el('li', { className: 'proposal', attrs: { 'data-proposal': proposal.id } },
      el('p', { className: 'muted', text: `${KIND_LABELS[proposal.kind]} · ${proposal.byName} · ${formatTime(proposal.at)}${from ? ` · ${from}` : ''}` }),
      question, target, answer,
      el('div', { className: 'actions' },
        el('button', { text: 'Accept 接受', attrs: { type: 'button' }, on: { click: () => review('accept') } }),
        el('button', { text: 'Reject 拒绝', attrs: { type: 'button' }, on: { click: () => review('reject') } })),
      error);
  }
}
