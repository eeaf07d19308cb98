// The agent's own controls around the conversation views: their state (online / away),
// the site filter, and transferring the open conversation to an agent or a team with a
// note for colleagues (the visitor never sees it), plus the notes it already carries.
import { el, formatTime } from './dom.js';

export class DeskControls {
  #nodes;
  #send;
  #onSiteFilter;
  #agents = [];
  #teams = [];
  #myId = null;
  #conversation = null;

  /**
   * @param {object} nodes status and site selects, the transfer form, its fields, the notes list
   * @param {{send: (frame) => boolean, onSiteFilter: (siteId) => void}} handlers
   */
  constructor(nodes, { send, onSiteFilter }) {
    this.#nodes = nodes;
    this.#send = send;
    this.#onSiteFilter = onSiteFilter;
    nodes.status.addEventListener('change', () => send({ type: 'status', status: nodes.status.value }));
    nodes.siteFilter.addEventListener('change', () => onSiteFilter(nodes.siteFilter.value));
    nodes.transferForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#transfer();
    });
  }

  /** From `ready`: who I am, the sites I may see, the teams, who is logged in. */
  ready({ account, sites, teams, agents }) {
    this.#myId = account.id;
    this.#teams = teams;
    const chosen = this.#nodes.siteFilter.value;
    this.#nodes.siteFilter.replaceChildren(el('option', { text: 'all sites 全部站点', attrs: { value: '' } }), ...sites.map((siteId) => el('option', { text: siteId, attrs: { value: siteId } })));
    this.#nodes.siteFilter.value = sites.includes(chosen) ? chosen : '';
    this.#onSiteFilter(this.#nodes.siteFilter.value);
    this.agents(agents);
  }

  agents(agents) {
    this.#agents = agents;
    const me = agents.find((agent) => agent.id === this.#myId);
    if (me) this.#nodes.status.value = me.status;
    this.#renderTargets();
  }

  /** The open conversation changed (or its summary did). */
  show(conversation) {
    this.#conversation = conversation;
    const mine = conversation?.state === 'with_agent' && conversation.agentId === this.#myId;
    this.#nodes.transferForm.hidden = !mine;
    this.#nodes.notes.replaceChildren(...(conversation?.notes ?? []).map((note) => el('li', {
      text: `${formatTime(note.at)} ${note.byName} → ${note.toName}${note.text ? `: ${note.text}` : ''}`,
    })));
    this.#renderTargets();
  }

  #renderTargets() {
    const others = this.#agents.filter((agent) => agent.id !== this.#myId);
    this.#nodes.transferTarget.replaceChildren(
      ...others.map((agent) => el('option', { text: `${agent.name} (${agent.status} ${agent.active}/${agent.maxChats})`, attrs: { value: `agent:${agent.id}`, disabled: agent.status !== 'online' } })),
      ...this.#teams.map((team) => el('option', { text: `team 团队: ${team.name}`, attrs: { value: `team:${team.id}` } })),
    );
  }

  #transfer() {
    if (!this.#conversation) return;
    const [kind, id] = this.#nodes.transferTarget.value.split(':');
    if (!id) return;
    const frame = { type: 'transfer', conversationId: this.#conversation.conversationId, note: this.#nodes.transferNote.value.trim() };
    if (kind === 'agent') frame.toAgentId = id;
    else frame.toTeamId = id;
    if (this.#send(frame)) this.#nodes.transferNote.value = '';
  }
}
