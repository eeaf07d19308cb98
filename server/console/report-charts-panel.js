// The reports view: per site, team, agent or day over the last N days — conversations
// and the share the bot resolved alone, hand-off reasons, first-response and handling
// times (p50 / p90), CSAT average and distribution — as SVG charts plus a table, with
// a CSV export of the rows.
import { el } from './dom.js';
import { barChart } from './bar-chart.js';
import { exportCsv } from './csv.js';

const REASONS = ['visitor', 'keyword', 'unanswered'];
const REASON_LABELS = { visitor: 'asked 要求', keyword: 'keyword 关键词', unanswered: 'unanswered 未回答' };
const seconds = (s) => (s === null ? '—' : s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);
const percent = (x) => `${Math.round(x * 100)}%`;

export class ReportChartsPanel {
  #nodes; // {by, days, charts, table, export, summary}
  #request;
  #report = null;

  /** @param {object} nodes @param {(by: string, days: number) => void} request */
  constructor(nodes, request) {
    this.#nodes = nodes;
    this.#request = request;
    nodes.by.addEventListener('change', () => this.refresh());
    nodes.days.addEventListener('change', () => this.refresh());
    nodes.export.addEventListener('click', () => this.#export());
  }

  refresh() {
    this.#request(this.#nodes.by.value, Number(this.#nodes.days.value));
  }

  render(report) {
    this.#report = report;
    const { rows } = report;
    this.#nodes.summary.textContent = rows.length
      ? `${rows.reduce((sum, r) => sum + r.conversations, 0)} conversations 会话 in the last ${report.days} days, by ${report.by}`
      : `No conversations in the last ${report.days} days. 近期没有会话。`;
    const charts = [];
    if (rows.length) {
      charts.push(barChart({
        title: 'Conversations: bot-resolved / other 会话数：机器人解决 / 其他',
        legend: ['bot-resolved 机器人解决', 'other 其他'],
        rows: rows.map((r) => ({ label: r.key, segments: [{ value: r.botResolved, name: 'bot-resolved' }, { value: r.conversations - r.botResolved, name: 'other' }], text: `${r.conversations} · bot ${percent(r.botResolvedShare)}` })),
      }));
      charts.push(barChart({
        title: 'Hand-off reasons 转人工原因',
        legend: REASONS.map((reason) => REASON_LABELS[reason]),
        rows: rows.map((r) => ({ label: r.key, segments: REASONS.map((reason) => ({ value: r.handoffReasons[reason] ?? 0, name: reason })), text: REASONS.map((reason) => r.handoffReasons[reason] ?? 0).join(' / ') })),
      }));
      charts.push(barChart({
        title: 'First response p50 / p90 首次响应',
        rows: rows.map((r) => ({ label: r.key, segments: [{ value: r.firstResponseP90 ?? 0, name: 'p90' }], text: `${seconds(r.firstResponseP50)} / ${seconds(r.firstResponseP90)}` })),
      }));
      charts.push(barChart({
        title: 'Handling time p50 / p90 处理时长',
        rows: rows.map((r) => ({ label: r.key, segments: [{ value: r.handlingP90 ?? 0, name: 'p90' }], text: `${seconds(r.handlingP50)} / ${seconds(r.handlingP90)}` })),
      }));
      charts.push(barChart({
        title: 'CSAT: ratings by stars 满意度：各星级评价数',
        legend: ['1★', '2★', '3★', '4★', '5★'],
        rows: rows.map((r) => ({ label: r.key, segments: r.csatDistribution.map((n, i) => ({ value: n, name: `${i + 1}★` })), text: r.csatAverage === null ? 'no ratings' : `avg ${r.csatAverage.toFixed(2)}★ (${r.csatDistribution.join('/')})` })),
      }));
    }
    this.#nodes.charts.replaceChildren(...charts.map((chart) => el('figure', {}, chart, el('figcaption', { text: chart.getAttribute('aria-label') }))));
    this.#nodes.table.replaceChildren(...rows.map((r) => el('tr', {}, ...[
      r.key, r.conversations, percent(r.botResolvedShare), REASONS.map((reason) => r.handoffReasons[reason] ?? 0).join(' / '),
      `${seconds(r.firstResponseP50)} / ${seconds(r.firstResponseP90)}`, `${seconds(r.handlingP50)} / ${seconds(r.handlingP90)}`,
      r.csatAverage === null ? '—' : r.csatAverage.toFixed(2), r.csatDistribution.join(' / '),
    ].map((text) => el('td', { text })))));
  }

  #export() {
    const report = this.#report;
    if (!report) return;
    exportCsv('report', `kefu-report-by-${report.by}.csv`,
      [report.by, 'conversations', 'bot_resolved', 'bot_resolved_share', 'handoffs', ...REASONS.map((r) => `handoff_${r}`), 'first_response_p50_s', 'first_response_p90_s', 'handling_p50_s', 'handling_p90_s', 'csat_average', 'csat_1', 'csat_2', 'csat_3', 'csat_4', 'csat_5'],
      report.rows.map((r) => [r.key, r.conversations, r.botResolved, r.botResolvedShare.toFixed(4), r.handoffs, ...REASONS.map((reason) => r.handoffReasons[reason] ?? 0),
        r.firstResponseP50 ?? '', r.firstResponseP90 ?? '', r.handlingP50 ?? '', r.handlingP90 ?? '', r.csatAverage === null ? '' : r.csatAverage.toFixed(2), ...r.csatDistribution]),
    );
  }
}
