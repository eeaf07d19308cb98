// The admin's knowledge-base page: per site, the agents' proposals to review, the FAQ
// editor, the draft they both change (published as a whole, or discarded), and the
// version history with rollback. Publishing trains the site's index on the server; widgets
// pick the new version at their next conversation (docs/console.md).
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el, formatTime } from './dom.js';
import { FaqEditor } from './faq-editor.js';
import { ProposalReview } from './proposal-review.js';
import { VersionHistory } from './version-history.js';

export class KnowledgePanel {
  #nodes;
  #editor;
  #review;
  #history;
  #loading = 0; // the newest load: an older answer arriving late is dropped

  /** @param {object} nodes the page's elements (console-app.js names them) */
  constructor(nodes) {
    this.#nodes = nodes;
    const changed = (status, reload = true) => {
      nodes.status.textContent = status;
      if (reload) this.refresh();
    };
    this.#editor = new FaqEditor({ search: nodes.search, list: nodes.faqs, count: nodes.faqCount, add: nodes.add, form: nodes.form }, changed);
    this.#review = new ProposalReview({ list: nodes.proposals, summary: nodes.proposalSummary }, changed);
    this.#history = new VersionHistory({ table: nodes.versions }, changed);
    nodes.site.addEventListener('change', () => this.refresh());
    nodes.publish.addEventListener('click', () => this.#publish());
    nodes.discard.addEventListener('click', () => this.#discard());
  }

  async refresh() {
    const load = ++this.#loading;
    if (this.#nodes.site.options.length === 0) {
      const { status, body } = await consoleApi('kb/sites');
      if (status !== 200 || load !== this.#loading) return;
      this.#nodes.site.replaceChildren(...body.sites.map((siteId) => el('option', { text: siteId, attrs: { value: siteId } })));
    }
    const siteId = this.#nodes.site.value;
    if (!siteId) return;
    const path = `kb/${encodeURIComponent(siteId)}`;
    const [working, proposals, versions] = await Promise.all([consoleApi(path), consoleApi(`${path}/proposals`), consoleApi(`${path}/versions`)]);
    if (load !== this.#loading) return;
    if (working.status !== 200 || proposals.status !== 200 || versions.status !== 200) {
      this.#nodes.status.textContent = errorText(working.body.error ?? proposals.body.error ?? versions.body.error);
      return;
    }
    const { kb, draft, published } = working.body;
    this.#renderDraft(draft, published);
    this.#review.render(siteId, proposals.body.proposals, kb.faqs);
    this.#editor.render(siteId, kb.faqs);
    this.#history.render(siteId, versions.body.versions);
  }

  #renderDraft(draft, published) {
    const serving = published ? `serving 当前版本 #${published.number}` : 'serving the KB file 当前为知识库文件';
    // A rollback or an edit of the KB file since the draft began: publishing the draft replaces it.
    const overtaken = draft && published && published.number !== draft.baseNumber
      ? ` · ⚠ #${published.number} was published after this draft began; publishing the draft replaces it 草稿开始后已有新版本，发布草稿将覆盖它`
      : '';
    this.#nodes.draft.textContent = draft
      ? `${serving} · draft 草稿 by ${draft.byName} ${formatTime(draft.at)}: ${draft.changes.join(', ')}${overtaken}`
      : `${serving} · no unpublished changes 没有未发布的修改`;
    this.#nodes.publish.disabled = !draft;
    this.#nodes.discard.disabled = !draft;
  }

  async #publish() {
    const siteId = this.#nodes.site.value;
    this.#nodes.publish.disabled = true;
    this.#nodes.status.textContent = 'Publishing: training the index… 发布中：正在训练索引…';
    const { status, body } = await consoleApi(`kb/${encodeURIComponent(siteId)}/publish`, { method: 'POST', body: {} });
    this.#nodes.status.textContent = status === 200
      ? `Published #${body.version.number} (${body.version.faqs} FAQs, index ${body.version.version.slice(0, 8)}). Widgets use it from their next conversation. 已发布。`
      : body.problem?.message ?? errorText(body.error);
    await this.refresh();
  }

  async #discard() {
    const { status, body } = await consoleApi(`kb/${encodeURIComponent(this.#nodes.site.value)}/draft/discard`, { method: 'POST', body: {} });
    this.#nodes.status.textContent = status === 200 ? 'Draft discarded. 草稿已丢弃。' : errorText(body.error);
    await this.refresh();
  }
}
