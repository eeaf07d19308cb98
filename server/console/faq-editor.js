// The KB editor's FAQ list and form (admins): search, edit, add and remove FAQs, their
// similar questions and their answers by locale. A save goes to the site's draft through
// the server, which checks the whole KB with the publish's own build; its refusal names
// the entry and field (`faqs[3].answer: is required`), shown under that field here.
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el } from './dom.js';

// The answer locales the form shows (the widget's); others an answer has are kept as they are.
const LOCALES = [['default', 'Answer (default) 答案（默认）'], ['zh-TW', 'Answer zh-TW 繁體答案'], ['en', 'Answer en 英文答案']];
// The list shows this many matches; the search narrows the rest.
const SHOWN = 50;
const FIELDS = ['id', 'question', 'similar', 'answer', 'keywords', 'category'];

export class FaqEditor {
  #nodes;
  #siteId = null;
  #faqs = [];
  #editing = null; // the FAQ as loaded (null: a new one)
  #onChanged;

  /**
   * @param {{search: HTMLInputElement, list: HTMLElement, count: HTMLElement, add: HTMLButtonElement, form: HTMLElement}} nodes
   * @param {() => void} onChanged after the draft changed (the panel reloads)
   */
  constructor(nodes, onChanged) {
    this.#nodes = nodes;
    this.#onChanged = onChanged;
    nodes.search.addEventListener('input', () => this.#renderList());
    nodes.add.addEventListener('click', () => this.#edit(null));
  }

  render(siteId, faqs) {
    const sameSite = siteId === this.#siteId;
    this.#siteId = siteId;
    this.#faqs = faqs;
    this.#renderList();
    if (!sameSite) this.#close();
  }

  #renderList() {
    const words = this.#nodes.search.value.trim().toLowerCase();
    const found = this.#faqs.filter((faq) => !words || searchText(faq).includes(words));
    this.#nodes.count.textContent = `${found.length} / ${this.#faqs.length}`;
    this.#nodes.list.replaceChildren(...found.slice(0, SHOWN).map((faq) => el('li', { attrs: { 'data-faq': String(faq.id) } },
      el('button', { className: 'link', text: String(faq.id), attrs: { type: 'button' }, on: { click: () => this.#edit(faq) } }),
      el('span', { text: ` ${faq.question}` }),
      el('span', { className: 'muted', text: ` · ${(faq.similar ?? []).length} similar 相似问` }))));
  }

  #close() {
    this.#editing = null;
    this.#nodes.form.hidden = true;
    this.#nodes.form.replaceChildren();
  }

  #edit(faq) {
    this.#editing = faq;
    const field = (name, label, control) => el('div', { className: 'field', attrs: { 'data-field': name } },
      el('label', { text: label, attrs: { for: `faq-${name}` } }), control, el('p', { className: 'field-error', attrs: { id: `faq-${name}-error`, role: 'alert' } }));
    const input = (name, value, attrs = {}) => el('input', { attrs: { id: `faq-${name}`, value: value ?? '', 'aria-describedby': `faq-${name}-error`, ...attrs } });
    const area = (name, value, rows) => {
      const node = el('textarea', { attrs: { id: `faq-${name}`, rows, 'aria-describedby': `faq-${name}-error` } });
      node.value = value ?? '';
      return node;
    };
    const answers = answerTexts(faq?.answer);
    const form = this.#nodes.form;
    form.replaceChildren(
      el('h3', { text: faq ? `Edit FAQ 编辑问答: ${faq.id}` : 'New FAQ 新增问答' }),
      field('id', 'Id 标识', input('id', faq?.id === undefined ? '' : String(faq.id), { required: true, maxlength: 128 })),
      field('question', 'Question 标准问', input('question', faq?.question, { required: true, maxlength: 500 })),
      field('similar', 'Similar questions, one per line 相似问（每行一个）', area('similar', (faq?.similar ?? []).join('\n'), 5)),
      ...LOCALES.map(([locale, label]) => field(locale === 'default' ? 'answer' : `answer-${locale}`, label, area(locale === 'default' ? 'answer' : `answer-${locale}`, answers[locale], locale === 'default' ? 4 : 2))),
      field('keywords', 'Keywords, one per line 关键词（每行一个）', area('keywords', (faq?.keywords ?? []).join('\n'), 2)),
      field('category', 'Category 分类', input('category', faq?.category, { maxlength: 500 })),
      el('label', { className: 'check' }, el('input', { attrs: { type: 'checkbox', id: 'faq-featured', checked: faq?.featured === true } }), el('span', { text: ' Featured on the home screen 首页推荐' })),
      el('p', { className: 'field-error', attrs: { id: 'faq-error', role: 'alert' } }),
      el('div', { className: 'actions' },
        el('button', { text: 'Save to draft 保存到草稿', attrs: { type: 'submit' } }),
        faq ? el('button', { text: 'Remove 删除', attrs: { type: 'button', id: 'faq-remove' }, on: { click: () => this.#remove(faq) } }) : null,
        el('button', { text: 'Cancel 取消', attrs: { type: 'button' }, on: { click: () => this.#close() } })));
    form.onsubmit = (event) => {
      event.preventDefault();
      this.#save();
    };
    form.hidden = false;
    form.querySelector('#faq-question').focus();
  }

  // The form as an FAQ: fields left empty are left out, other fields of the original kept.
  #read() {
    const form = this.#nodes.form;
    const value = (name) => form.querySelector(`#faq-${name}`).value;
    const lines = (name) => value(name).split('\n').map((line) => line.trim()).filter(Boolean);
    const { id: _id, question: _q, similar: _s, answer: original, keywords: _k, category: _c, featured: _f, ...rest } = this.#editing ?? {};
    const faq = { id: value('id').trim(), question: value('question').trim() };
    if (lines('similar').length > 0) faq.similar = lines('similar');
    const answer = original !== null && typeof original === 'object' && !Array.isArray(original) ? { ...original } : {};
    for (const [locale] of LOCALES) {
      const text = value(locale === 'default' ? 'answer' : `answer-${locale}`).trim();
      if (text) answer[locale] = text;
      else delete answer[locale];
    }
    const locales = Object.keys(answer);
    // One text for everyone stays a string; the core reports a missing default itself.
    if (locales.length === 1 && locales[0] === 'default') faq.answer = answer.default;
    else if (locales.length > 0) faq.answer = answer;
    if (lines('keywords').length > 0) faq.keywords = lines('keywords');
    if (value('category').trim()) faq.category = value('category').trim();
    if (form.querySelector('#faq-featured').checked) faq.featured = true;
    return { ...faq, ...rest };
  }

  async #save() {
    const faq = this.#read();
    this.#clearErrors();
    const originalId = this.#editing ? String(this.#editing.id) : null;
    const { status, body } = await consoleApi(`kb/${encodeURIComponent(this.#siteId)}/faqs`, { method: 'POST', body: { originalId, faq } });
    if (status === 200) {
      this.#close();
      this.#onChanged('Saved to the draft. 已保存到草稿。');
      return;
    }
    this.#showProblem(body, faq.id);
  }

  async #remove(faq) {
    const { status, body } = await consoleApi(`kb/${encodeURIComponent(this.#siteId)}/faqs/remove`, { method: 'POST', body: { faqId: String(faq.id) } });
    if (status === 200) {
      this.#close();
      this.#onChanged(`Removed ${faq.id} from the draft. 已从草稿删除。`);
      return;
    }
    this.#showProblem(body, faq.id);
  }

  #clearErrors() {
    for (const node of this.#nodes.form.querySelectorAll('.field-error')) node.textContent = '';
    for (const node of this.#nodes.form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  }

  // Under the field the core named when the problem is in this FAQ, else above the buttons.
  #showProblem(body, faqId) {
    const problem = body.problem;
    const name = problem?.faqId === faqId && FIELDS.includes(problem.field) ? problem.field : null;
    const target = name ? this.#nodes.form.querySelector(`#faq-${name}-error`) : this.#nodes.form.querySelector('#faq-error');
    target.textContent = problem ? problem.message : errorText(body.error);
    if (name) this.#nodes.form.querySelector(`#faq-${name}`)?.setAttribute('aria-invalid', 'true');
  }
}

function answerTexts(answer) {
  if (typeof answer === 'string') return { default: answer };
  if (answer === null || typeof answer !== 'object') return {};
  return answer;
}

function searchText(faq) {
  const answers = typeof faq.answer === 'string' ? [faq.answer] : Object.values(faq.answer ?? {});
  return [faq.id, faq.question, ...(faq.similar ?? []), ...answers, faq.category ?? ''].join('\n').toLowerCase();
}
