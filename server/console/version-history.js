// A site's published KB versions, newest first: who published which (an admin, the file
// on disk, the server's API), when, what it added, removed and changed, and a rollback
// that publishes an earlier one again as a new version.
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el, formatTime } from './dom.js';

const ACTION_LABELS = { publish: 'published 发布', rollback: 'rollback 回滚', file: 'file on disk 文件更新', api: 'server API 接口发布' };

export class VersionHistory {
  #nodes;
  #onChanged;

  /**
   * @param {{table: HTMLElement}} nodes
   * @param {(status: string) => void} onChanged after a rollback (the panel reloads)
   */
  constructor(nodes, onChanged) {
    this.#nodes = nodes;
    this.#onChanged = onChanged;
  }

  render(siteId, versions) {
    this.#nodes.table.replaceChildren(...versions.map((version, i) => el('tr', { attrs: { 'data-version': version.number } },
      el('td', { text: `#${version.number}${i === 0 ? ' (serving 当前)' : ''}` }),
      el('td', { text: formatTime(version.at) }),
      el('td', { text: version.byName ?? '—' }),
      el('td', { text: `${ACTION_LABELS[version.action] ?? version.action}${version.of ? ` #${version.of}` : ''}` }),
      el('td', { text: `${version.faqs} FAQs · ${version.phrasings} phrasings 问法` }),
      el('td', { text: changesText(version.changes) }),
      el('td', {}, i === 0 ? null : el('button', { text: `Roll back to #${version.number} 回滚`, attrs: { type: 'button' }, on: { click: () => this.#rollback(siteId, version.number) } })))));
  }

  async #rollback(siteId, number) {
    this.#onChanged(`Publishing #${number} again… 正在回滚…`, false);
    const { status, body } = await consoleApi(`kb/${encodeURIComponent(siteId)}/rollback`, { method: 'POST', body: { number } });
    this.#onChanged(status === 200 ? `Rolled back: #${number} is served as #${body.version.number}. 已回滚。` : body.problem?.message ?? errorText(body.error));
  }
}

function changesText(changes) {
  if (!changes) return 'the first version recorded 首个记录的版本';
  const part = (sign, { count, ids }) => (count === 0 ? null : `${sign}${count} ${ids.join(', ')}${count > ids.length ? ' …' : ''}`);
  return [part('+', changes.added), part('−', changes.removed), part('~', changes.changed)].filter(Boolean).join(' · ') || 'no FAQ changed 无变化';
}
