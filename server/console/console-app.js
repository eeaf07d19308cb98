// The agent console: wires the sign-in, the socket and the views together. Plain
// ES modules under the strict CSP; every visitor-typed string reaches the page through
// textContent only.
import { ConsoleConnection } from './console-connection.js';
import { ConversationList } from './conversation-list.js';
import { ConversationPane } from './conversation-pane.js';
import { ReportsPanel } from './reports-panel.js';
import { ConsoleAttachments } from './console-attachments.js';
import { SessionPanel } from './session-panel.js';
import { DeskControls } from './desk-controls.js';
import { AdminPanel } from './admin-panel.js';

const $ = (id) => document.getElementById(id);

class ConsoleApp {
  #connection = new ConsoleConnection(new URL('/agent', location.href.replace(/^http/, 'ws')).href);
  #conversations = new Map();
  #history = new Map(); // conversationId -> messages, once opened
  #myId = '';
  #siteFilter = '';
  #view = 'chats';
  #list;
  #pane;
  #reports;
  #attachments = new ConsoleAttachments();
  #session;
  #controls;
  #admin;

  constructor() {
    this.#list = new ConversationList({ queueList: $('queue'), activeList: $('active'), queueCount: $('queue-count'), onSelect: (id) => this.#open(id) });
    this.#pane = new ConversationPane({
      nodes: {
        empty: $('conversation-empty'), body: $('conversation-body'), title: $('conversation-title'), meta: $('conversation-meta'), messages: $('messages'),
        typing: $('visitor-typing'), composer: $('composer'), reply: $('reply'), status: $('conversation-status'), accept: $('accept'), transfer: $('transfer'), end: $('end'),
        attach: $('attach'),
      },
      actions: {
        accept: (conversationId) => this.#connection.send({ type: 'accept', conversationId }),
        transfer: (conversationId) => this.#connection.send({ type: 'transfer_to_bot', conversationId }),
        end: (conversationId) => this.#connection.send({ type: 'end', conversationId }),
        send: (conversationId, text) => this.#connection.send({ type: 'message', conversationId, text }),
        typing: (conversationId, on) => this.#connection.send({ type: 'typing', conversationId, on }),
        read: (conversationId, upToSeq) => this.#connection.send({ type: 'read', conversationId, upToSeq }),
        attachment: (conversationId, attachment) => this.#attachments.node(conversationId, attachment),
      },
    });
    this.#attachments.bind({
      button: $('attach'), input: $('attach-input'), conversationId: () => this.#pane.conversationId,
      send: (conversationId, text, attachment) => this.#connection.send({ type: 'message', conversationId, text, attachment }),
      status: (text) => this.#pane.status(text),
    });
    this.#reports = new ReportsPanel(
      { tickets: $('tickets'), ratings: $('ratings'), ratingsSummary: $('ratings-summary'), hot: $('hot-questions'), hotSummary: $('hot-summary'), hotPager: $('hot-pager') },
      (ticketId, status) => this.#connection.send({ type: 'ticket_status', ticketId, status }),
      (offset) => this.#connection.send({ type: 'hot_questions', offset }),
    );
    this.#controls = new DeskControls(
      { status: $('my-status'), siteFilter: $('site-filter'), transferForm: $('transfer-form'), transferTarget: $('transfer-target'), transferNote: $('transfer-note'), notes: $('notes') },
      { send: (frame) => this.#connection.send(frame), onSiteFilter: (siteId) => { this.#siteFilter = siteId; this.#renderList(); } },
    );
    this.#admin = new AdminPanel({
      accounts: $('accounts'), teams: $('teams'), audit: $('audit'), status: $('admin-status'), invite: $('invite'), inviteUsername: $('invite-username'),
      inviteName: $('invite-name'), invitePassword: $('invite-password'), inviteRole: $('invite-role'), newTeam: $('new-team'), teamName: $('team-name'),
    });
    this.#session = new SessionPanel({
      login: $('login'), username: $('login-username'), password: $('login-password'), loginStatus: $('login-status'),
      setup: $('setup'), setupUsername: $('setup-username'), setupName: $('setup-name'), setupPassword: $('setup-password'), setupStatus: $('setup-status'),
      logout: $('logout'), changePassword: $('change-password'), passwordForm: $('password-form'), passwordCurrent: $('password-current'), passwordNew: $('password-new'), passwordStatus: $('password-status'),
    }, {
      onSignedIn: () => this.#connection.connect(),
      onSignedOut: () => {
        this.#connection.disconnect();
        $('desk').hidden = true;
      },
    });
    this.#listen();
    this.#session.start();
    for (const tab of document.querySelectorAll('.tabs button')) tab.addEventListener('click', () => this.#showView(tab.dataset.view));
  }

  #listen() {
    const c = this.#connection;
    c.on('unauthorized', () => this.#session.signedOut('Your session has ended; log in again. 会话已结束，请重新登录。'));
    c.on('connection', (state) => {
      $('connection').textContent = { online: 'online 在线', connecting: 'connecting 连接中…', offline: 'offline, reconnecting 离线，重连中…' }[state];
    });
    c.on('ready', (frame) => {
      this.#myId = frame.account.id;
      $('me-name').textContent = `${frame.account.displayName} (${frame.account.role})`;
      $('admin-tab').hidden = frame.account.role !== 'admin';
      $('desk').hidden = false;
      this.#controls.ready(frame);
      this.#conversations = new Map(frame.conversations.map((conversation) => [conversation.conversationId, conversation]));
      this.#renderList();
      if (this.#pane.conversationId) this.#connection.send({ type: 'history', conversationId: this.#pane.conversationId });
      this.#refreshView();
    });
    c.on('agents', (frame) => {
      $('agents-online').textContent = `agents online 在线客服: ${frame.names.join(', ')}`;
      this.#controls.agents(frame.agents);
    });
    c.on('conversation_gone', ({ conversationId }) => {
      this.#conversations.delete(conversationId);
      this.#renderList();
    });
    c.on('queue', (frame) => {
      for (const entry of frame.entries) {
        const known = this.#conversations.get(entry.conversationId);
        if (known) known.position = entry.position;
      }
      this.#renderList();
    });
    c.on('conversation', ({ conversation }) => {
      this.#conversations.set(conversation.conversationId, conversation);
      this.#renderList();
      this.#pane.update(conversation);
      if (conversation.conversationId === this.#pane.conversationId) this.#controls.show(conversation);
    });
    c.on('history', (frame) => {
      if (frame.conversation) this.#conversations.set(frame.conversationId, frame.conversation);
      this.#history.set(frame.conversationId, frame.messages);
      if (frame.conversation && (frame.conversationId === this.#pane.conversationId || !this.#pane.conversationId)) {
        this.#pane.show(frame.conversation, frame.messages, this.#myId);
        this.#controls.show(frame.conversation);
      }
      this.#renderList();
    });
    c.on('msg', ({ conversationId, message }) => {
      this.#history.get(conversationId)?.push(message);
      if (conversationId === this.#pane.conversationId) this.#pane.addMessage(message);
    });
    c.on('visitor_typing', ({ conversationId, on }) => {
      if (conversationId === this.#pane.conversationId) this.#pane.setVisitorTyping(on);
    });
    c.on('visitor_read', ({ conversationId, upToSeq }) => {
      const known = this.#conversations.get(conversationId);
      if (known) known.visitorReadUpTo = Math.max(known.visitorReadUpTo, upToSeq);
      if (conversationId === this.#pane.conversationId) this.#pane.setVisitorRead(upToSeq);
    });
    c.on('result', (frame) => {
      if (frame.error && frame.conversationId === this.#pane.conversationId) this.#pane.status(`${frame.request}: ${frame.error}`);
      else if (frame.conversationId === this.#pane.conversationId) this.#pane.status('');
    });
    c.on('ticket', () => this.#view === 'tickets' && this.#refreshView());
    c.on('rating', () => this.#view === 'ratings' && this.#refreshView());
    c.on('tickets', (frame) => this.#reports.renderTickets(frame.tickets));
    c.on('ratings', (frame) => this.#reports.renderRatings(frame));
    c.on('hot_questions', (frame) => this.#reports.renderHotQuestions(frame));
  }

  #renderList() {
    const shown = this.#siteFilter ? new Map([...this.#conversations].filter(([, c]) => c.siteId === this.#siteFilter)) : this.#conversations;
    this.#list.render(shown, this.#pane.conversationId, this.#myId);
  }

  #open(conversationId) {
    this.#connection.send({ type: 'history', conversationId });
    // Shown at once from what is known; the history reply fills it in.
    const known = this.#conversations.get(conversationId);
    if (known) {
      this.#pane.show(known, this.#history.get(conversationId) ?? [], this.#myId);
      this.#controls.show(known);
    }
    this.#renderList();
  }

  #showView(view) {
    this.#view = view;
    for (const tab of document.querySelectorAll('.tabs button')) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
    for (const name of ['chats', 'tickets', 'ratings', 'hot', 'admin']) $(`view-${name}`).hidden = name !== view;
    if (view === 'admin') this.#admin.refresh();
    this.#refreshView();
  }

  #refreshView() {
    const request = { tickets: 'tickets', ratings: 'ratings', hot: 'hot_questions' }[this.#view];
    if (request) this.#connection.send({ type: request });
  }
}

new ConsoleApp();
