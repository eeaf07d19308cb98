// "Teach the bot": an agent turns a visitor's question the bot could not answer into a
// proposal for an admin to review (kb-panel.js): linked to an existing FAQ as a new
// similar question, or a new FAQ with the agent's own reply as its answer. Opened from a
// conversation (its visitor messages, the agent's last reply) or from a hot-question
// group (its question and examples). The server checks that the site is one of the
// agent's team's (server/http/kb-routes.js).
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el } from './dom.js';

// FAQs listed under the search box at once: enough to pick from, few enough to scan.
const SHOWN_FAQS = 8;
// The site's latest proposals shown under the form, with what became of them.
const SHOWN_PROPOSALS = 5;
const STATUS_LABELS = { pending: 'pending 待审核', accepted: 'accepted 已采纳', rejected: 'rejected 未采纳' };

export class TeachPanel {
  #root;
  #name;
  #context = null; // {siteId, questions: string[], reply, source}
  #faqs = [];
  #proposals = [];
  #form = null;

  /**
   * @param {HTMLElement} root where the form opens
   * @param {string} name tells this panel's fields from another TeachPanel's on the page
   */
  constructor(root, name) {
    this.#root = root;
    this.#name = name;
  }

  /**
   * Opens the form for one question.
   * @param {{siteId: string, questions: string[], reply?: string, source: object}} context
   *   questions: the visitor's phrasings, most relevant first; source: where they came from
   *   ({conversationId, seq} or {hotQuestion})
   */
  async open(context) {
    this.#context = context;
    this.#root.hidden = false;
    this.#root.replaceChildren(el('p', { className: 'muted', text: 'Loading the knowledge base… 正在加载知识库…' }));
    const path = `kb/${encodeURIComponent(context.siteId)}`;
    const [working, proposals] = await Promise.all([consoleApi(path), consoleApi(`${path}/proposals`)]);
    if (this.#context !== context) return;
    if (working.status !== 200 || proposals.status !== 200) {
      this.#root.replaceChildren(el('p', { className: 'field-error', text: errorText(working.body.error ?? proposals.body.error) }));
      return;
    }
    this.#faqs = working.body.kb.faqs;
    this.#proposals = proposals.body.proposals.slice(0, SHOWN_PROPOSALS);
    this.#render();
  }

  close() {
    this.#context = null;
    this.#root.hidden = true;
    this.#root.replaceChildren();
  }

  #render() {
    const id = (field) => `${this.#name}-${field}`;
    const { questions, reply = '', siteId } = this.#context;
    const question = el('input', { attrs: { id: id('question'), value: questions[0] ?? '', required: true, maxlength: 500 } });
    const pick = questions.length > 1
      ? el('select', { attrs: { 'aria-label': 'other phrasings 其他问法' }, on: { change: (event) => (question.value = event.target.value) } }, ...questions.map((text) => el('option', { text, attrs: { value: text } })))
      : null;
    const kind = (value, text, checked) => el('label', {}, el('input', { attrs: { type: 'radio', name: id('kind'), value, checked } }), el('span', { text: ` ${text}` }));
    const search = el('input', { attrs: { id: id('search'), type: 'search', placeholder: 'Search FAQs 搜索问题', maxlength: 200 } });
    const faq = el('select', { attrs: { id: id('faq'), size: SHOWN_FAQS, 'aria-label': 'FAQ 目标问题' } });
    const fill = () => {
      const words = search.value.trim().toLowerCase();
      const found = this.#faqs.filter((entry) => !words || faqText(entry).includes(words)).slice(0, SHOWN_FAQS * 4);
      faq.replaceChildren(...found.map((entry) => el('option', { text: `${entry.id} · ${entry.question}`, attrs: { value: String(entry.id) } })));
      if (found.length > 0) faq.value = String(found[0].id);
    };
    search.addEventListener('input', fill);
    fill();
    const answer = el('textarea', { attrs: { id: id('answer'), rows: 4, maxlength: 20000 } });
    answer.value = reply;
    const linkPart = el('div', { className: 'teach-part' }, el('label', { text: 'FAQ 目标问题', attrs: { for: id('search') } }), search, faq);
    const newPart = el('div', { className: 'teach-part', attrs: { hidden: true } }, el('label', { text: 'Answer 答案', attrs: { for: id('answer') } }), answer);
    const status = el('p', { className: 'status', attrs: { role: 'status' } });
    const form = el('form', { className: 'teach-form', attrs: { 'aria-label': 'Teach the bot 教机器人' } },
      el('p', { className: 'muted', text: `Site 站点: ${siteId} · an admin reviews it before the bot learns it 管理员审核后生效` }),
      el('label', { text: 'Visitor question 访客问题', attrs: { for: id('question') } }), question, pick,
      el('fieldset', { className: 'modes' }, el('legend', { className: 'visually-hidden', text: 'How 方式' }),
        kind('similar', 'Add to an FAQ as a similar question 作为相似问', true), kind('faq', 'New FAQ with my answer 新建问答', false)),
      linkPart, newPart,
      el('div', { className: 'actions' },
        el('button', { text: 'Propose 提交审核', attrs: { type: 'submit' } }),
        el('button', { text: 'Close 关闭', attrs: { type: 'button' }, on: { click: () => this.close() } })),
      status);
    form.addEventListener('change', (event) => {
      if (event.target.name !== id('kind')) return;
      linkPart.hidden = event.target.value !== 'similar';
      newPart.hidden = event.target.value !== 'faq';
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector(`input[name="${id('kind')}"]:checked`).value;
      this.#propose(chosen === 'similar' ? { kind: 'similar', faqId: faq.value, question: question.value } : { kind: 'faq', question: question.value, answer: answer.value }, status);
    });
    this.#form = form;
    const recent = this.#proposals.length === 0 ? null : el('div', {},
      el('h3', { text: 'Latest proposals on this site 本站最近的学习建议' }),
      el('ul', { className: 'teach-recent' }, ...this.#proposals.map((p) => el('li', { text: `${p.question} → ${p.kind === 'similar' ? p.faqId : 'new FAQ 新问答'} · ${p.byName} · ${STATUS_LABELS[p.status] ?? p.status}` }))));
    this.#root.replaceChildren(form, ...(recent ? [recent] : []));
    question.focus();
  }

  async #propose(proposal, status) {
    const context = this.#context;
    status.textContent = 'Sending… 提交中…';
    const { status: code, body } = await consoleApi(`kb/${encodeURIComponent(context.siteId)}/proposals`, { method: 'POST', body: { ...proposal, ...context.source } });
    if (this.#context !== context) return;
    status.textContent = code === 201 ? 'Sent for review. 已提交审核。' : errorText(body.error);
    if (code === 201) this.#form.querySelector('button[type=submit]').disabled = true;
  }
}

// What the search box matches an FAQ on: its id, questions and default answer.
function faqText(faq) {
  const answer = typeof faq.answer === 'string' ? faq.answer : faq.answer?.default ?? '';
  return [faq.id, faq.question, ...(faq.similar ?? []), answer].join('\n').toLowerCase();
}
