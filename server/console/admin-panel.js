// The admin's page: agents (add, edit name / role / teams / limit, reset the password,
// disable or enable), teams (their sites and whether agents pick from the queue), and
// the audit log. Everything goes through the console API, which checks the role again.
import { consoleApi } from './console-api.js';
import { errorText } from './session-panel.js';
import { el, formatTime } from './dom.js';

export class AdminPanel {
  #nodes;
  #teams = [];
  #sites = [];

  constructor(nodes) {
    this.#nodes = nodes;
    nodes.invite.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#invite();
    });
    nodes.newTeam.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#change('teams', 'POST', { name: nodes.teamName.value.trim(), siteIds: [] }).then((ok) => ok && (nodes.teamName.value = ''));
    });
  }

  async refresh() {
    const [accounts, teams, audit] = await Promise.all([consoleApi('accounts'), consoleApi('teams'), consoleApi('audit')]);
    if (accounts.status !== 200 || teams.status !== 200 || audit.status !== 200) return;
    this.#teams = teams.body.teams;
    this.#sites = teams.body.sites;
    this.#renderAccounts(accounts.body.accounts);
    this.#renderTeams();
    this.#renderAudit(audit.body.entries);
  }

  async #change(path, method, body) {
    const { status, body: reply } = await consoleApi(path, { method, body });
    this.#nodes.status.textContent = status < 300 ? 'Saved. 已保存。' : errorText(reply.error);
    await this.refresh();
    return status < 300;
  }

  async #invite() {
    const n = this.#nodes;
    const ok = await this.#change('accounts', 'POST', { username: n.inviteUsername.value.trim(), displayName: n.inviteName.value.trim(), password: n.invitePassword.value, role: n.inviteRole.value });
    if (ok) for (const field of [n.inviteUsername, n.inviteName, n.invitePassword]) field.value = '';
  }

  #renderAccounts(accounts) {
    const teamName = (id) => this.#teams.find((team) => team.id === id)?.name ?? id;
    this.#nodes.accounts.replaceChildren(...accounts.map((account) => {
      const path = `accounts/${account.id}`;
      const teams = el('select', { attrs: { multiple: true, 'aria-label': `teams of ${account.username}` } }, ...this.#teams.map((team) => el('option', { text: team.name, attrs: { value: team.id, selected: (account.teamIds ?? []).includes(team.id) } })));
      const limit = el('input', { attrs: { type: 'number', min: 1, max: 100, value: account.maxChats, 'aria-label': `limit of ${account.username}` } });
      const role = el('select', { attrs: { 'aria-label': `role of ${account.username}` } }, ...['agent', 'admin'].map((r) => el('option', { text: r, attrs: { value: r, selected: account.role === r } })));
      return el('tr', { attrs: { 'data-username': account.username } },
        el('td', { text: account.username }),
        el('td', { text: account.displayName }),
        el('td', {}, role),
        el('td', { text: (account.teamIds ?? []).map(teamName).join(', ') }, teams),
        el('td', {}, limit),
        el('td', { text: account.disabled ? 'disabled 已停用' : 'active 正常' }),
        el('td', {},
          el('button', { text: 'Save 保存', attrs: { type: 'button' }, on: { click: () => this.#change(path, 'PATCH', { role: role.value, teamIds: [...teams.selectedOptions].map((o) => o.value), maxChats: Number(limit.value) }) } }),
          el('button', { text: account.disabled ? 'Enable 启用' : 'Disable 停用', attrs: { type: 'button' }, on: { click: () => this.#change(path, 'PATCH', { disabled: !account.disabled }) } }),
          el('button', { text: 'Reset password 重置密码', attrs: { type: 'button' }, on: { click: () => this.#resetPassword(account) } })));
    }));
  }

  #resetPassword(account) {
    const password = prompt(`New password for ${account.username} (8+ characters) 新密码`);
    if (password) this.#change(`accounts/${account.id}`, 'PATCH', { password });
  }

  #renderTeams() {
    this.#nodes.teams.replaceChildren(...this.#teams.map((team) => {
      const sites = el('select', { attrs: { multiple: true, 'aria-label': `sites of ${team.name}` } }, ...this.#sites.map((siteId) => el('option', { text: siteId, attrs: { value: siteId, selected: team.siteIds.includes(siteId) } })));
      const pick = el('select', { attrs: { 'aria-label': `routing of ${team.name}` } },
        el('option', { text: 'auto-assign 自动分配', attrs: { value: 'auto', selected: !team.pickFromQueue } }),
        el('option', { text: 'agents pick from the queue 手动接入', attrs: { value: 'pick', selected: team.pickFromQueue } }));
      return el('tr', { attrs: { 'data-team': team.name } },
        el('td', { text: team.name }),
        el('td', { text: team.siteIds.join(', ') }, sites),
        el('td', {}, pick),
        el('td', {}, el('button', { text: 'Save 保存', attrs: { type: 'button' }, on: { click: () => this.#change(`teams/${team.id}`, 'PATCH', { siteIds: [...sites.selectedOptions].map((o) => o.value), pickFromQueue: pick.value === 'pick' }) } })));
    }));
  }

  #renderAudit(entries) {
    this.#nodes.audit.replaceChildren(...entries.map(({ at, action, ...details }) => el('tr', {},
      el('td', { text: formatTime(at) }), el('td', { text: action }), el('td', { text: JSON.stringify(details) }))));
  }
}
