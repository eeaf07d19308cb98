// Console accounts: who may use the agent console, with which role, and their sessions.
// Roles: `admin` (manages accounts, reads the audit log, and works as an agent) and
// `agent`. A session is a random token in an HttpOnly cookie; the store keeps only its
// SHA-256, so a copy of the database logs nobody in. Every login, logout, role or
// account change is an audit line in the same store.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hashPassword, verifyPassword } from '../security/password-hash.js';

export const ROLES = ['admin', 'agent'];
const USERNAME = /^[\w.@-]{1,64}$/;
const MAX_DISPLAY_NAME_CHARS = 40;
// Long enough that guessing online is hopeless under the login backoff; no other rule.
export const MIN_PASSWORD_CHARS = 8;
const MAX_PASSWORD_CHARS = 200;
const MAX_CHATS_CEILING = 100;
const TOKEN_BYTES = 32;

const tokenHash = (token) => createHash('sha256').update(token).digest('hex');

/** An account as the console may see it: everything but the password hash. */
export function publicAccount(account) {
  const { password, ...shown } = account;
  return shown;
}

function displayNameError(displayName) {
  return typeof displayName === 'string' && displayName.trim() !== '' && [...displayName.trim()].length <= MAX_DISPLAY_NAME_CHARS ? null : 'display_name_invalid';
}

function passwordError(password) {
  return typeof password === 'string' && [...password].length >= MIN_PASSWORD_CHARS && password.length <= MAX_PASSWORD_CHARS ? null : 'password_too_short';
}

export class ConsoleAccounts {
  #store;
  #teams;
  #loginBackoff;
  #clock;
  #sessionMs;
  #defaultMaxChats;
  #setupToken = null;
  #sessionsEnded = new Set(); // listeners (accountId | null, tokenHash | null)
  #fanout;

  /** `fanout`: the bus to the other instances (server/fanout/), whose consoles end too. */
  constructor({ store, teams, fanout, loginBackoff, clock = Date.now, sessionHours, defaultMaxChats }) {
    this.#store = store;
    this.#fanout = fanout;
    fanout.subscribe((message) => {
      if (message.to === 'sessions') this.#notifySessionsEnded(message.ended);
    });
    this.#teams = teams;
    this.#loginBackoff = loginBackoff;
    this.#clock = clock;
    this.#sessionMs = sessionHours * 3_600_000;
    this.#defaultMaxChats = defaultMaxChats;
  }

  /**
   * Live consoles listen here: `listener({accountId})` or `listener({tokenHash})` when
   * those sessions end, whichever instance ended them.
   */
  onSessionsEnded(listener) {
    this.#sessionsEnded.add(listener);
  }

  // The sessions are already gone from the store, so no instance would open them again;
  // the consoles already open on them, here and on every other instance, close now.
  #endSessions(which) {
    this.#notifySessionsEnded(which);
    this.#fanout.publish({ to: 'sessions', ended: which });
  }

  #notifySessionsEnded(which) {
    for (const listener of this.#sessionsEnded) listener(which);
  }

  async audit(action, fields = {}) {
    await this.#store.appendAudit({ at: this.#clock(), action, ...fields });
  }

  /**
   * While no account exists: a one-time token for the setup link that creates the first
   * admin (kept in memory only: a restart prints a new one). Null once there is an account.
   */
  async setupToken() {
    if ((await this.#store.accounts()).length > 0) return null;
    this.#setupToken ??= randomBytes(TOKEN_BYTES).toString('base64url');
    return this.#setupToken;
  }

  /** The first admin, from the setup link: {account, token} or {error}. */
  async setUp({ setupToken, username, displayName, password }) {
    const expected = this.#setupToken;
    if (expected === null || typeof setupToken !== 'string' || tokenHash(setupToken) !== tokenHash(expected)) return { error: 'setup_token_invalid' };
    const created = await this.create({ username, displayName, password, role: 'admin' }, { by: null });
    if (created.error) return created;
    this.#setupToken = null;
    return { account: created.account, ...(await this.#openSession(created.account)) };
  }

  /** A new account: {account} or {error}. `by`: the admin creating it (null: setup or the CLI). */
  async create({ username, displayName, password, role = 'agent', maxChats = this.#defaultMaxChats, teamIds = [] }, { by }) {
    if (typeof username !== 'string' || !USERNAME.test(username)) return { error: 'username_invalid' };
    const invalid = displayNameError(displayName) ?? passwordError(password) ?? (ROLES.includes(role) ? null : 'role_invalid') ?? this.#maxChatsError(maxChats)
      ?? (this.#teams.allExist(teamIds) ? null : 'team_unknown');
    if (invalid) return { error: invalid };
    const account = {
      id: randomUUID(), username, displayName: displayName.trim(), role, disabled: false, maxChats, teamIds: [...new Set(teamIds)],
      password: await hashPassword(password), createdAt: this.#clock(),
    };
    if (!(await this.#store.createAccount(account))) return { error: 'username_taken' };
    await this.audit('account_created', { by, accountId: account.id, username, role });
    return { account: publicAccount(account) };
  }

  #maxChatsError(maxChats) {
    return Number.isInteger(maxChats) && maxChats >= 1 && maxChats <= MAX_CHATS_CEILING ? null : 'max_chats_invalid';
  }

  /**
   * Username and password to a session: {account, token, expiresAt}, or {error}. Failures
   * back off per client address and per username (a lockout), and a locked-out attempt
   * is refused before the password is even checked.
   */
  async logIn({ username, password, ip }) {
    const now = this.#clock();
    const keys = [`ip:${ip}`, `user:${String(username).toLowerCase()}`];
    const retryAfterMs = Math.max(...keys.map((key) => this.#loginBackoff.retryAfterMs(key, now)));
    if (retryAfterMs > 0) return { error: 'rate_limited', retryAfterMs };
    const account = typeof username === 'string' && USERNAME.test(username) ? await this.#store.accountByUsername(username) : null;
    // A missing account costs a hash too, so timing does not tell which usernames exist.
    const passwordRight = account ? await verifyPassword(password, account.password) : (await hashPassword(String(password)), false);
    if (!passwordRight || account.disabled) {
      for (const key of keys) this.#loginBackoff.failed(key, now);
      await this.audit('login_failed', { username: String(username).slice(0, 64), ip, ...(account?.disabled && passwordRight ? { reason: 'disabled' } : {}) });
      return { error: 'unauthorized' };
    }
    for (const key of keys) this.#loginBackoff.succeeded(key);
    await this.audit('login', { accountId: account.id, ip });
    return { account: publicAccount(account), ...(await this.#openSession(account)) };
  }

  async #openSession(account) {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = this.#clock();
    const expiresAt = now + this.#sessionMs;
    await this.#store.createSession({ tokenHash: tokenHash(token), accountId: account.id, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /** {account, tokenHash, expiresAt} behind a cookie's token, or null (unknown, expired, disabled). */
  async session(token) {
    if (typeof token !== 'string' || token === '') return null;
    const hash = tokenHash(token);
    const session = await this.#store.getSession(hash);
    if (!session) return null;
    if (session.expiresAt <= this.#clock()) {
      await this.#store.deleteSession(hash);
      return null;
    }
    const account = await this.#store.getAccount(session.accountId);
    if (!account || account.disabled) return null;
    return { account: publicAccount(account), tokenHash: hash, expiresAt: session.expiresAt };
  }

  async logOut(token) {
    const current = await this.session(token);
    if (!current) return;
    await this.#store.deleteSession(current.tokenHash);
    await this.audit('logout', { accountId: current.account.id });
    this.#endSessions({ tokenHash: current.tokenHash });
  }

  /** The agent's own password: checked, then every other session of theirs ends. */
  async changePassword(accountId, { current, password }) {
    const account = await this.#store.getAccount(accountId);
    if (!account || !(await verifyPassword(current, account.password))) return { error: 'password_wrong' };
    const invalid = passwordError(password);
    if (invalid) return { error: invalid };
    await this.#store.updateAccount(accountId, { password: await hashPassword(password) });
    await this.#store.deleteSessionsOf(accountId);
    await this.audit('password_changed', { accountId, by: accountId });
    this.#endSessions({ accountId });
    // This console carries on in a fresh session; any other one has to log in again.
    return this.#openSession(account);
  }

  async list() {
    return (await this.#store.accounts()).map(publicAccount);
  }

  async get(accountId) {
    const account = await this.#store.getAccount(accountId);
    return account ? publicAccount(account) : null;
  }

  /**
   * An admin's change to an account: displayName, role, disabled, teamIds, maxChats, or a
   * new password (a reset). Disabling or resetting ends the account's sessions at once; an
   * admin cannot demote or disable themselves (the last admin could lock everyone out).
   */
  async update(adminId, accountId, changes) {
    const account = await this.#store.getAccount(accountId);
    if (!account) return { error: 'unknown_account' };
    const update = {};
    if (changes.displayName !== undefined) {
      if (displayNameError(changes.displayName)) return { error: 'display_name_invalid' };
      update.displayName = changes.displayName.trim();
    }
    if (changes.role !== undefined) {
      if (!ROLES.includes(changes.role)) return { error: 'role_invalid' };
      if (accountId === adminId && changes.role !== 'admin') return { error: 'cannot_demote_self' };
      update.role = changes.role;
    }
    if (changes.disabled !== undefined) {
      if (typeof changes.disabled !== 'boolean') return { error: 'disabled_invalid' };
      if (accountId === adminId && changes.disabled) return { error: 'cannot_disable_self' };
      update.disabled = changes.disabled;
    }
    if (changes.teamIds !== undefined) {
      if (!this.#teams.allExist(changes.teamIds)) return { error: 'team_unknown' };
      update.teamIds = [...new Set(changes.teamIds)];
    }
    if (changes.maxChats !== undefined) {
      if (this.#maxChatsError(changes.maxChats)) return { error: 'max_chats_invalid' };
      update.maxChats = changes.maxChats;
    }
    if (changes.password !== undefined) {
      if (passwordError(changes.password)) return { error: 'password_too_short' };
      update.password = await hashPassword(changes.password);
    }
    const updated = await this.#store.updateAccount(accountId, update);
    const endsSessions = update.disabled === true || update.password !== undefined;
    if (endsSessions) await this.#store.deleteSessionsOf(accountId);
    if (update.role !== undefined && update.role !== account.role) await this.audit('role_changed', { by: adminId, accountId, from: account.role, to: update.role });
    if (update.disabled !== undefined && update.disabled !== Boolean(account.disabled)) await this.audit(update.disabled ? 'account_disabled' : 'account_enabled', { by: adminId, accountId });
    if (update.password !== undefined) await this.audit('password_reset', { by: adminId, accountId });
    const edited = Object.keys(update).filter((name) => ['displayName', 'maxChats', 'teamIds'].includes(name));
    if (edited.length > 0) await this.audit('account_edited', { by: adminId, accountId, fields: edited });
    // A live console holds the account as it opened: any change reopens it.
    if (Object.keys(update).length > 0) this.#endSessions({ accountId });
    return { account: publicAccount(updated) };
  }

  async auditLog(limit) {
    return this.#store.auditLog({ limit });
  }
}
