// Teams, and the one rule of who sees what in the console. A team serves some sites
// (each site belongs to at most one team); an agent belongs to teams (account.teamIds).
// An agent sees the conversations, tickets and reports of their teams' sites, plus a
// conversation transferred to one of their teams; an admin sees everything. A site no
// team claims is everyone's, so a fresh install works before any team exists.
//
// Teams are few and read on every frame, so they are held in memory and written
// through to the store.
import { randomUUID } from 'node:crypto';

const MAX_TEAM_NAME_CHARS = 40;
/** The routing key of conversations on sites no team claims. */
export const NO_TEAM = '';

export class TeamDirectory {
  #store;
  #siteIds;
  #teams = new Map(); // id -> {id, name, siteIds, pickFromQueue}

  /** @param {{store: object, siteIds: string[]}} options the configured sites */
  static async load({ store, siteIds }) {
    const directory = new TeamDirectory(store, siteIds);
    for (const team of await store.teams()) directory.#teams.set(team.id, team);
    return directory;
  }

  constructor(store, siteIds) {
    this.#store = store;
    this.#siteIds = siteIds;
  }

  list() {
    return [...this.#teams.values()];
  }

  get(teamId) {
    return this.#teams.get(teamId) ?? null;
  }

  /** The team id a site's conversations are routed to, or NO_TEAM. */
  teamOfSite(siteId) {
    for (const team of this.#teams.values()) if (team.siteIds.includes(siteId)) return team.id;
    return NO_TEAM;
  }

  /** Where a conversation queues: the team it was transferred to, else its site's. */
  routingTeamOf(conversation) {
    return conversation.teamId && this.#teams.has(conversation.teamId) ? conversation.teamId : this.teamOfSite(conversation.siteId);
  }

  /** Whether the account takes conversations routed to `teamId` (auto-assignment, transfers). */
  serves(account, teamId) {
    return teamId === NO_TEAM || (account.teamIds ?? []).includes(teamId);
  }

  siteVisibleTo(account, siteId) {
    return account.role === 'admin' || this.serves(account, this.teamOfSite(siteId));
  }

  /** The configured sites the account may see (the console's site filter, the reports). */
  sitesVisibleTo(account) {
    return this.#siteIds.filter((siteId) => this.siteVisibleTo(account, siteId));
  }

  conversationVisibleTo(account, conversation) {
    if (account.role === 'admin' || conversation.agentId === account.id) return true;
    return this.serves(account, this.routingTeamOf(conversation));
  }

  /** {team} or {error}: a name, the sites it serves, whether agents pick from the queue. */
  async create({ name, siteIds = [], pickFromQueue = false }) {
    const team = { id: randomUUID(), name: '', siteIds: [], pickFromQueue: false };
    return this.#save(team, { name, siteIds, pickFromQueue });
  }

  async update(teamId, changes) {
    const team = this.#teams.get(teamId);
    if (!team) return { error: 'unknown_team' };
    return this.#save(team, changes);
  }

  async #save(team, { name, siteIds, pickFromQueue }) {
    const next = { ...team };
    if (name !== undefined) {
      if (typeof name !== 'string' || name.trim() === '' || [...name.trim()].length > MAX_TEAM_NAME_CHARS) return { error: 'team_name_invalid' };
      next.name = name.trim();
    }
    if (siteIds !== undefined) {
      if (!Array.isArray(siteIds) || !siteIds.every((siteId) => this.#siteIds.includes(siteId))) return { error: 'site_unknown' };
      next.siteIds = [...new Set(siteIds)];
    }
    if (pickFromQueue !== undefined) {
      if (typeof pickFromQueue !== 'boolean') return { error: 'pick_from_queue_invalid' };
      next.pickFromQueue = pickFromQueue;
    }
    // A site belongs to one team: given to this one, it leaves the other.
    const losing = this.list().filter((other) => other.id !== next.id && other.siteIds.some((siteId) => next.siteIds.includes(siteId)));
    for (const other of losing) {
      const trimmed = { ...other, siteIds: other.siteIds.filter((siteId) => !next.siteIds.includes(siteId)) };
      await this.#store.putTeam(trimmed);
      this.#teams.set(trimmed.id, trimmed);
    }
    await this.#store.putTeam(next);
    this.#teams.set(next.id, next);
    return { team: next };
  }

  /** Whether every id names a team (an account's teamIds). */
  allExist(teamIds) {
    return Array.isArray(teamIds) && teamIds.every((teamId) => typeof teamId === 'string' && this.#teams.has(teamId));
  }
}
