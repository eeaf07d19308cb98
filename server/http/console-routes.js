// The console's HTTP API under /console/api/: first-admin setup, login and logout (the
// session cookie), password change, and the admin's account pages and audit log.
// docs/server.md ("Console accounts") lists every route with who may call it.
//
// The session cookie is HttpOnly (no script reads it), Secure (never sent over plain
// http, except to localhost, which browsers treat as secure) and SameSite=Strict (no
// other site's page sends it). Every request that changes something must also come
// from the console's own origin (the Origin header) with a JSON body, so a form on
// another site cannot post here even where a browser ignores SameSite.
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { isSameOrigin } from '../security/origins.js';
import { clientAddress } from '../security/client-address.js';
import { CONSOLE_CSP } from './site-routes.js';
import { kbRoutes } from './kb-routes.js';

export const SESSION_COOKIE = 'kefu_console';
export const API_PREFIX = '/console/api/';
const MAX_BODY_BYTES = 8 * 1024;
const AUDIT_PAGE = 500;

/** The session token a request's Cookie header carries, or null. */
export function sessionToken(request) {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  return parseCookies(header)[SESSION_COOKIE] ?? null;
}

function sessionCookie(token, expiresAt, now) {
  return serializeCookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: Math.max(0, Math.floor((expiresAt - now) / 1000)) });
}

const CLEARED_COOKIE = serializeCookie(SESSION_COOKIE, '', { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: 0 });

function reply(response, status, body, headers = {}) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    ...headers,
  }).end(JSON.stringify(body));
}

class RequestError extends Error {
  constructor(status, code) {
    super(code);
    this.status = status;
  }
}

async function readJson(request, maxBytes) {
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) throw new RequestError(415, 'json_required');
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > maxBytes) throw new RequestError(413, 'body_too_large');
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (body && typeof body === 'object' && !Array.isArray(body)) return body;
  } catch {
    // answered below
  }
  throw new RequestError(400, 'body_invalid');
}

/**
 * @param {{accounts: import('../accounts/console-accounts.js').ConsoleAccounts, teams: import('../accounts/team-directory.js').TeamDirectory, config: object, log: object, clock: () => number,
 *   library: import('../kb/kb-library.js').KnowledgeLibrary, desk: import('../routing/agent-desk.js').AgentDesk}} services
 * @returns {(request, response, pathname: string) => Promise<void>}
 */
export function createConsoleRoutes({ accounts, teams, config, log, clock, library, desk }) {
  // [method, pattern, role: null (anyone) | 'account' (logged in) | 'admin', run(context), maxBodyBytes?]
  const routes = [
    // Who is logged in: null before login (with whether the first admin is still to be made).
    ['GET', /^session$/, null, async ({ auth }) => (auth ? [200, { account: auth.account }] : [200, { account: null, setup: (await accounts.setupToken()) !== null }])],
    ['POST', /^setup$/, null, async ({ body, now }) => {
      const result = await accounts.setUp({ setupToken: body.setupToken, username: body.username, displayName: body.displayName, password: body.password });
      if (result.error) return [result.error === 'setup_token_invalid' ? 403 : 400, { error: result.error }];
      log.info('console_setup_done', { accountId: result.account.id });
      return [200, { account: result.account }, { 'set-cookie': sessionCookie(result.token, result.expiresAt, now) }];
    }],
    ['POST', /^login$/, null, async ({ body, ip, now }) => {
      const result = await accounts.logIn({ username: body.username, password: body.password, ip });
      if (result.error === 'rate_limited') return [429, { error: 'rate_limited', retryAfterMs: result.retryAfterMs }, { 'retry-after': String(Math.ceil(result.retryAfterMs / 1000)) }];
      if (result.error) {
        log.warn('console_login_refused', { ip });
        return [401, { error: 'unauthorized' }];
      }
      log.info('console_login', { accountId: result.account.id });
      return [200, { account: result.account }, { 'set-cookie': sessionCookie(result.token, result.expiresAt, now) }];
    }],
    ['POST', /^logout$/, null, async ({ request }) => {
      await accounts.logOut(sessionToken(request));
      return [200, { ok: true }, { 'set-cookie': CLEARED_COOKIE }];
    }],
    ['POST', /^password$/, 'account', async ({ auth, body, now }) => {
      const result = await accounts.changePassword(auth.account.id, { current: body.current, password: body.password });
      if (result.error) return [400, { error: result.error }];
      return [200, { ok: true }, { 'set-cookie': sessionCookie(result.token, result.expiresAt, now) }];
    }],
    ['GET', /^accounts$/, 'admin', async () => [200, { accounts: await accounts.list() }]],
    ['POST', /^accounts$/, 'admin', async ({ auth, body }) => {
      const result = await accounts.create({ username: body.username, displayName: body.displayName, password: body.password, role: body.role, maxChats: body.maxChats ?? undefined, teamIds: body.teamIds ?? undefined }, { by: auth.account.id });
      return result.error ? [result.error === 'username_taken' ? 409 : 400, { error: result.error }] : [201, { account: result.account }];
    }],
    ['PATCH', /^accounts\/([\w-]{1,64})$/, 'admin', async ({ auth, body, match }) => {
      const result = await accounts.update(auth.account.id, match[1], body);
      return result.error ? [result.error === 'unknown_account' ? 404 : 400, { error: result.error }] : [200, { account: result.account }];
    }],
    ['GET', /^audit$/, 'admin', async () => [200, { entries: await accounts.auditLog(AUDIT_PAGE) }]],
    ['GET', /^teams$/, 'admin', async () => [200, { teams: teams.list(), sites: Object.keys(config.sites) }]],
    ['POST', /^teams$/, 'admin', async ({ auth, body }) => {
      const result = await teams.create({ name: body.name, siteIds: body.siteIds, pickFromQueue: body.pickFromQueue });
      if (result.error) return [400, { error: result.error }];
      await accounts.audit('team_created', { by: auth.account.id, teamId: result.team.id, siteIds: result.team.siteIds });
      return [201, { team: result.team }];
    }],
    ['PATCH', /^teams\/([\w-]{1,64})$/, 'admin', async ({ auth, body, match }) => {
      const result = await teams.update(match[1], { name: body.name, siteIds: body.siteIds, pickFromQueue: body.pickFromQueue });
      if (result.error) return [result.error === 'unknown_team' ? 404 : 400, { error: result.error }];
      await accounts.audit('team_changed', { by: auth.account.id, teamId: result.team.id, siteIds: result.team.siteIds, pickFromQueue: result.team.pickFromQueue });
      return [200, { team: result.team }];
    }],
    ...kbRoutes({ library, teams, desk, config }),
  ];

  return async function handle(request, response, pathname) {
    const path = pathname.slice(API_PREFIX.length);
    const matching = routes.filter(([, pattern]) => pattern.test(path));
    if (matching.length === 0) return reply(response, 404, { error: 'not_found' });
    const route = matching.find(([method]) => method === request.method);
    if (!route) return reply(response, 405, { error: 'method_not_allowed' }, { allow: matching.map(([method]) => method).join(', ') });
    const [method, pattern, role, run, maxBodyBytes = MAX_BODY_BYTES] = route;
    try {
      // A change must come from a console page of this server: no other origin, no
      // plain form (which cannot send a JSON content type without a CORS preflight).
      if (method !== 'GET' && !isSameOrigin(request.headers.origin, request)) throw new RequestError(403, 'origin_not_allowed');
      const auth = await accounts.session(sessionToken(request));
      if (role !== null && !auth) throw new RequestError(401, 'unauthenticated');
      if (role === 'admin' && auth.account.role !== 'admin') throw new RequestError(403, 'forbidden');
      const body = method === 'GET' ? {} : await readJson(request, maxBodyBytes);
      const [status, payload, headers] = await run({ request, auth, body, match: pattern.exec(path), ip: clientAddress(request, config.trustProxy), now: clock() });
      reply(response, status, payload, headers);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      reply(response, error.status, { error: error.message });
    }
  };
}
