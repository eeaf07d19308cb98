// The side panel about the open conversation's visitor: where they are (page, referrer,
// pages visited), who they are (verified identity, pre-chat fields, custom attributes),
// their device / browser / OS (parsed by the server), locale and time zone, and their
// earlier conversations and tickets.
import { el, formatTime } from './dom.js';

export class VisitorPanel {
  #root;
  #conversationId = null;

  constructor(root) {
    this.#root = root;
  }

  get conversationId() {
    return this.#conversationId;
  }

  /** Shown while the profile is on its way. */
  loading(conversationId) {
    this.#conversationId = conversationId;
    this.#root.replaceChildren(el('p', { className: 'muted', text: 'Loading visitor… 加载访客信息…' }));
  }

  render(conversationId, profile) {
    if (conversationId !== this.#conversationId) return;
    const rows = [];
    const row = (label, value, link = false) => {
      if (value === null || value === undefined || value === '') return;
      // A link only for http(s): a visitor's page could claim any scheme.
      const safe = link && /^https?:\/\//i.test(value);
      rows.push(el('dt', { text: label }), el('dd', {}, safe ? el('a', { text: value, attrs: { href: value, target: '_blank', rel: 'noopener noreferrer' } }) : el('span', { text: value })));
    };
    const id = profile.identity;
    row('Verified 已验证', id ? `✔ ${[id.userId, id.name, id.email].filter(Boolean).join(' · ')}` : 'no 否 (anonymous 匿名)');
    row('Page 当前页面', profile.page?.title);
    row('URL', profile.page?.url, true);
    row('Referrer 来源', profile.referrer, true);
    row('Device 设备', profile.device);
    row('Browser 浏览器', profile.browser);
    row('OS 系统', profile.os);
    row('Locale 语言', profile.locale);
    row('Time zone 时区', profile.timeZone);
    for (const [name, value] of Object.entries(profile.prechat ?? {})) row(`${name} (pre-chat 表单)`, String(value));
    for (const [name, value] of Object.entries(profile.attributes ?? {})) row(name, typeof value === 'string' ? value : JSON.stringify(value));
    const sections = [el('h3', { text: 'Visitor 访客' }), el('dl', { className: 'facts' }, ...rows)];
    if (profile.pages.length > 1) {
      sections.push(el('h3', { text: 'Pages visited 浏览页面' }), el('ol', { className: 'pages' }, ...profile.pages.map((p) => el('li', { text: `${formatTime(p.at)} ${p.title || p.url}`, attrs: { title: p.url } }))));
    }
    sections.push(el('h3', { text: `Earlier conversations 历史会话 (${profile.earlierCount})` }));
    sections.push(profile.earlierConversations.length
      ? el('ul', { className: 'earlier' }, ...profile.earlierConversations.map((c) => el('li', { text: `${formatTime(c.createdAt)} · ${c.state}${c.agentName ? ` · ${c.agentName}` : ''}${c.rating ? ` · ${'★'.repeat(c.rating.stars)}` : ''}` })))
      : el('p', { className: 'muted', text: 'First visit. 首次访问。' }));
    sections.push(el('h3', { text: `Tickets 工单 (${profile.tickets.length})` }));
    if (profile.tickets.length) sections.push(el('ul', { className: 'earlier' }, ...profile.tickets.map((t) => el('li', { text: `${t.id} · ${t.status} · ${t.message}` }))));
    this.#root.replaceChildren(...sections);
  }
}
