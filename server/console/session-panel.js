// Signing in and out of the console: the login form, the first-admin setup form (from
// the one-time link `kefu serve` prints, #setup=…), logout and the password change.
// The session itself is an HttpOnly cookie the server sets; this page never holds it.
import { consoleApi } from './console-api.js';

const ERRORS = {
  unauthorized: 'Wrong username or password. 用户名或密码错误。',
  rate_limited: 'Too many failed logins; wait and try again. 登录失败次数过多，请稍后再试。',
  password_too_short: 'The password needs at least 8 characters. 密码至少 8 位。',
  password_wrong: 'The current password is wrong. 当前密码错误。',
  username_invalid: 'Usernames use letters, digits, . _ @ - only. 用户名只能包含字母、数字和 . _ @ -。',
  username_taken: 'That username is taken. 用户名已存在。',
  setup_token_invalid: 'This setup link was used or has expired; restart the server for a new one. 设置链接已失效。',
};
export const errorText = (code) => ERRORS[code] ?? code;

export class SessionPanel {
  #nodes;
  #onSignedIn;
  #onSignedOut;

  /**
   * @param {object} nodes the login, setup and password forms and their fields
   * @param {{onSignedIn: (account) => void, onSignedOut: () => void}} handlers
   */
  constructor(nodes, { onSignedIn, onSignedOut }) {
    this.#nodes = nodes;
    this.#onSignedIn = onSignedIn;
    this.#onSignedOut = onSignedOut;
    nodes.login.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#logIn();
    });
    nodes.setup.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#setUp();
    });
    nodes.logout.addEventListener('click', () => this.logOut());
    nodes.changePassword.addEventListener('click', () => {
      nodes.passwordForm.hidden = !nodes.passwordForm.hidden;
    });
    nodes.passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#changePassword();
    });
  }

  /** At page load: an open session goes straight to the desk; else the login or setup form. */
  async start() {
    const setupToken = new URLSearchParams(location.hash.slice(1)).get('setup');
    const { body } = await consoleApi('session');
    if (body.account) return this.#onSignedIn(body.account);
    if (setupToken && body.setup) {
      this.#setupToken = setupToken;
      history.replaceState(null, '', location.pathname); // the link is spent once used; keep it out of the history
      this.#show('setup');
    } else {
      this.#show('login');
    }
  }

  #setupToken = null;

  /** The desk lost its session (logout elsewhere, account disabled): back to the login form. */
  signedOut(message = '') {
    this.#show('login');
    this.#nodes.loginStatus.textContent = message;
    this.#onSignedOut();
  }

  #show(form) {
    this.#nodes.login.hidden = form !== 'login';
    this.#nodes.setup.hidden = form !== 'setup';
  }

  async #logIn() {
    this.#nodes.loginStatus.textContent = 'Logging in… 登录中…';
    const { status, body } = await consoleApi('login', { method: 'POST', body: { username: this.#nodes.username.value.trim(), password: this.#nodes.password.value } });
    this.#nodes.password.value = '';
    if (status !== 200) {
      this.#nodes.loginStatus.textContent = errorText(body.error ?? 'unauthorized');
      return;
    }
    this.#nodes.loginStatus.textContent = '';
    this.#show(null);
    this.#onSignedIn(body.account);
  }

  async #setUp() {
    const { status, body } = await consoleApi('setup', {
      method: 'POST',
      body: { setupToken: this.#setupToken, username: this.#nodes.setupUsername.value.trim(), displayName: this.#nodes.setupName.value.trim(), password: this.#nodes.setupPassword.value },
    });
    if (status !== 200) {
      this.#nodes.setupStatus.textContent = errorText(body.error);
      return;
    }
    this.#show(null);
    this.#onSignedIn(body.account);
  }

  async logOut() {
    await consoleApi('logout', { method: 'POST', body: {} });
    this.signedOut('Logged out. 已退出。');
  }

  async #changePassword() {
    const { status, body } = await consoleApi('password', { method: 'POST', body: { current: this.#nodes.passwordCurrent.value, password: this.#nodes.passwordNew.value } });
    this.#nodes.passwordStatus.textContent = status === 200 ? 'Password changed. 密码已修改。' : errorText(body.error);
    if (status === 200) {
      this.#nodes.passwordCurrent.value = '';
      this.#nodes.passwordNew.value = '';
    }
  }
}
