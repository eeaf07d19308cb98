// Console accounts for tests: an account made in the running server, a login over the
// console's HTTP API (the cookie a browser would get), and an `/agent` socket opened on
// it the way the console opens one (cookie and Origin).
import { SocketClient } from './socket-client.js';

export const TEST_PASSWORD = 'correct horse battery';
let accountCounter = 0;

/** An account in the running in-process server; `teamIds`, `role`, `maxChats` as given. */
export async function createAccount(server, { name = '小李', username, role = 'agent', teamIds = [], maxChats, password = TEST_PASSWORD } = {}) {
  accountCounter += 1;
  const { account, error } = await server.accounts.create({ username: username ?? `agent${accountCounter}`, displayName: name, password, role, teamIds, maxChats }, { by: null });
  if (error) throw new Error(`account not created: ${error}`);
  return account;
}

/** POST to the console API from the console's own origin; resolves to the fetch Response. */
export function consoleApi(server, path, { method = 'POST', body, cookie, origin = server.httpUrl } = {}) {
  const headers = { ...(origin ? { origin } : {}), ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) };
  return fetch(`${server.httpUrl}/console/api/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** The `name=value` of the session cookie a response set, or null. */
export function sessionCookieOf(response) {
  const header = response.headers.get('set-cookie');
  return header ? header.split(';')[0] : null;
}

/** Logs in over HTTP: the session cookie (`kefu_console=…`). */
export async function logIn(server, username, password = TEST_PASSWORD) {
  const response = await consoleApi(server, 'login', { body: { username, password } });
  if (response.status !== 200) throw new Error(`login refused: ${response.status} ${await response.text()}`);
  return sessionCookieOf(response);
}

/** An `/agent` socket on a session cookie, as the console page opens it. */
export function openAgentSocket(server, cookie) {
  return SocketClient.open(server.agentUrl, { protocolChecked: false, origin: server.httpUrl, headers: cookie ? { cookie } : undefined });
}

/**
 * A logged-in console for a new account: {client, ready, account, cookie}.
 * @param {object} server an in-process test server
 * @param {{name?: string, role?: string, teamIds?: string[], maxChats?: number}} [options]
 */
export async function openConsole(server, options = {}) {
  const account = await createAccount(server, options);
  const cookie = await logIn(server, account.username);
  const client = await openAgentSocket(server, cookie);
  const ready = await client.request({ type: 'login' }, 'ready');
  return { client, ready, account, cookie };
}

/**
 * Logs a console page in through its login form as a new account: the account.
 * @param {import('playwright-core').Page} page in its own browser context (the cookie is per context)
 */
export async function logInPage(page, server, options = {}) {
  const account = await createAccount(server, options);
  await page.goto(`${server.httpUrl}/console/`);
  await page.fill('#login-username', account.username);
  await page.fill('#login-password', TEST_PASSWORD);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#desk:not([hidden])');
  return account;
}
