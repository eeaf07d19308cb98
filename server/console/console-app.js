// The agent console: wires the sign-in, the socket and the views together. Plain
// ES modules under the strict CSP; every visitor-typed string reaches the page through
// textContent only. Who the agent is (account id, display name, teams) comes from the
// server's `ready` frame for the signed-in account.
import { ConsoleConnection } from './console-connection.js';
import { ConversationList } from './conversation-list.js';
import { ConversationPane } from './conversation-pane.js';
import { ReportsPanel } from './reports-panel.js';
import { ReportChartsPanel } from './report-charts-panel.js';
import { TicketsPanel } from './tickets-panel.js';
import { VisitorPanel } from './visitor-panel.js';
import { AssistPanel } from './assist-panel.js';
import { Attention } from './attention.js';
import { ConsoleAttachments } from './console-attachments.js';
import { SessionPanel } from './session-panel.js';
import { DeskControls } from './desk-controls.js';
import { AdminPanel } from './admin-panel.js';
import { KnowledgePanel } from './kb-panel.js';
import { TeachPanel } from './teach-panel.js';
import { el } from './dom.js';
import { onCsvExport } from './csv.js';

const $ = (id) => document.getElementById(id);
// Drafts survive a reload of the tab (not other tabs: each keeps its own).
const DRAFTS_KEY = 'kefu-console-drafts';
// Waiting times in the list move on this often.
const WAIT_REFRESH_MS = 15_000;
const DRAFT_SAVE_MS = 500;
const BADGE_BATCH_MS = 250;

class ConsoleApp {
  #connection = new ConsoleConnection(new URL('/agent', location.href.replace(/^http/, 'ws')).href);
  #conversations = new Map();
  #history = new Map(); // conversationId -> {messages, notes}, once opened
  #unread = new Map(); // conversationId -> messages arrived since the agent last looked
  #drafts = new Map(JSON.parse(sessionStorage.getItem(DRAFTS_KEY) ?? '[]'));
  // Who is signed in, from the `ready` frame: {id, displayName, teamIds}.
  #me = { id: '', displayName: '', teamIds: [], cannedTeam: '' };
  #siteFilter = '';
  #view = 'chats';
  #selectedId = null;
  #list;
  #pane;
  #visitor;
  #assist;
  #reports;
  #charts;
  #tickets;
  #attention = new Attention();
  #canned = [];
  #draftTimer = null;
  #badgeFrame = 0;
  #assistQuestions = new Map(); // seq -> the visitor text asked about (for the open conversation)
  #attachments = new ConsoleAttachments();
  #session;
  #controls;
  #admin;
  #kb;
  #teach = new TeachPanel($('teach'), 'teach');
  #hotTeach = new TeachPanel($('hot-teach'), 'hot-teach');

  constructor() {
    this.#list = new ConversationList({
      root: $('conversations'),
      scroller: $('conversations').parentElement,
      onSelect: (id) => this.#open(id),
      model: () => ({ conversations: this.#conversations, unread: this.#unread, selectedId: this.#selectedId, myId: this.#me.id, siteFilter: this.#siteFilter }),
    });
    const send = (frame) => this.#connection.send(frame);
    this.#pane = new ConversationPane({
      nodes: {
        empty: $('conversation-empty'), body: $('conversation-body'), title: $('conversation-title'), meta: $('conversation-meta'), messages: $('messages'),
        typing: $('visitor-typing'), composer: $('composer'), reply: $('reply'), sendButton: $('send'), status: $('conversation-status'), accept: $('accept'), transfer: $('transfer'), end: $('end'),
        modes: [...document.querySelectorAll('#composer input[name=mode]')], canned: $('canned-suggestions'), attach: $('attach'),
      },
      actions: {
        accept: (conversationId) => send({ type: 'accept', conversationId }),
        transfer: (conversationId) => send({ type: 'transfer_to_bot', conversationId }),
        end: (conversationId) => send({ type: 'end', conversationId }),
        send: (conversationId, text) => send({ type: 'message', conversationId, text }),
        note: (conversationId, text) => send({ type: 'note', conversationId, text }),
        typing: (conversationId, on) => send({ type: 'typing', conversationId, on }),
        read: (conversationId, upToSeq) => send({ type: 'read', conversationId, upToSeq }),
        assist: (conversationId, seq, text) => this.#askAssist(conversationId, seq, text),
        draft: (conversationId, text) => this.#saveDraft(conversationId, text),
        attachment: (conversationId, attachment) => this.#attachments.node(conversationId, attachment),
      },
    });
    this.#visitor = new VisitorPanel($('visitor'));
    this.#assist = new AssistPanel($('assist'), (answer) => this.#pane.compose(answer));
    this.#assist.clear();
    this.#attachments.bind({
      button: $('attach'), input: $('attach-input'), conversationId: () => this.#selectedId,
      send: (conversationId, text, attachment) => this.#connection.send({ type: 'message', conversationId, text, attachment }),
      status: (text) => this.#pane.status(text),
    });
    this.#reports = new ReportsPanel(
      { ratings: $('ratings'), ratingsSummary: $('ratings-summary'), ratingsExport: $('ratings-export'), hot: $('hot-questions'), hotSummary: $('hot-summary'), hotPager: $('hot-pager'), hotExport: $('hot-export') },
      (offset) => send({ type: 'hot_questions', offset }),
      (siteId, group) => this.#hotTeach.open({ siteId, questions: [group.question, ...group.examples.filter((text) => text !== group.question)], source: { hotQuestion: group.question } }),
    );
    $('teach-open').addEventListener('click', () => this.#teachFromConversation());
    this.#kb = new KnowledgePanel({
      site: $('kb-site'), publish: $('kb-publish'), discard: $('kb-discard'), draft: $('kb-draft'), status: $('kb-status'), proposals: $('kb-proposals'), proposalSummary: $('kb-proposal-summary'),
      search: $('kb-search'), add: $('kb-add'), faqs: $('kb-faqs'), faqCount: $('kb-faq-count'), form: $('faq-form'), versions: $('kb-versions'),
    });
    this.#charts = new ReportChartsPanel(
      { by: $('report-by'), days: $('report-days'), charts: $('report-charts'), table: $('report-table'), export: $('report-export'), summary: $('report-summary') },
      (by, days) => send({ type: 'report', by, days }),
    );
    this.#tickets = new TicketsPanel({
      filters: { status: $('filter-status'), priority: $('filter-priority'), assignee: $('filter-assignee'), site: $('filter-site') },
      table: $('tickets'), detail: $('ticket-detail'), export: $('tickets-export'), count: $('tickets-count'),
    }, send);
    onCsvExport((what, rows) => send({ type: 'exported', what, rows }));
    this.#bindCannedForm();
    this.#bindKeys();
    setInterval(() => this.#list.touchAll(), WAIT_REFRESH_MS);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.#selectedId) this.#markSeen(this.#selectedId);
    });
    this.#controls = new DeskControls(
      { status: $('my-status'), siteFilter: $('site-filter'), transferForm: $('transfer-form'), transferTarget: $('transfer-target'), transferNote: $('transfer-note'), notes: $('notes') },
      { send: (frame) => this.#connection.send(frame), onSiteFilter: (siteId) => { this.#siteFilter = siteId; this.#list.reorder(); } },
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
    // A click: the one moment browsers let a page ask to notify and to play sound.
    $('login').addEventListener('submit', () => this.#attention.askPermission());
    this.#listen();
    this.#session.start();
    for (const tab of document.querySelectorAll('.tabs button')) tab.addEventListener('click', () => this.#showView(tab.dataset.view));
  }

  // Alt+J / Alt+K (or Alt+↓ / Alt+↑) next / previous chat, Alt+A accept, Alt+E end;
  // Enter sends from the composer. Alt combinations leave typing in the composer alone.
  #bindKeys() {
    document.addEventListener('keydown', (event) => {
      if (!event.altKey || event.ctrlKey || event.metaKey || $('desk').hidden) return;
      const key = event.code;
      if (key === 'KeyJ' || key === 'ArrowDown') this.#step(1);
      else if (key === 'KeyK' || key === 'ArrowUp') this.#step(-1);
      else if (key === 'KeyA') this.#pane.accept();
      else if (key === 'KeyE') this.#pane.end();
      else return;
      event.preventDefault();
    });
  }

  #step(direction) {
    this.#showView('chats');
    const order = this.#list.order();
    if (order.length === 0) return;
    const at = order.indexOf(this.#selectedId);
    const next = at === -1 ? (direction > 0 ? 0 : order.length - 1) : (at + direction + order.length) % order.length;
    this.#open(order[next]);
    this.#list.reveal(order[next]);
    $('reply').focus();
  }

  #bindCannedForm() {
    $('canned-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.#connection.send({ type: 'canned_save', shortcut: $('canned-shortcut').value.trim(), text: $('canned-text').value.trim() });
      $('canned-form').reset();
    });
  }

  #renderCanned() {
    $('canned-team').textContent = this.#me.cannedTeam ? `team 团队: ${this.#me.cannedTeam}` : '';
    this.#pane.setCanned(this.#canned);
    $('canned-list').replaceChildren(...this.#canned.map((reply) => el('tr', {},
      el('td', { text: `/${reply.shortcut}` }), el('td', { text: reply.text }),
      el('td', {}, el('button', { text: 'Delete 删除', attrs: { type: 'button' }, on: { click: () => this.#connection.send({ type: 'canned_delete', shortcut: reply.shortcut }) } })))));
  }

  #saveDraft(conversationId, text) {
    if (text) this.#drafts.set(conversationId, text);
    else this.#drafts.delete(conversationId);
    // Kept in memory at once; written to the tab's storage when typing pauses, not per key.
    clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => sessionStorage.setItem(DRAFTS_KEY, JSON.stringify([...this.#drafts])), DRAFT_SAVE_MS);
  }

  #askAssist(conversationId, seq, text) {
    this.#assistQuestions.set(seq, text);
    this.#connection.send({ type: 'assist', conversationId, seq, text });
  }

  #listen() {
    const c = this.#connection;
    c.on('unauthorized', () => this.#session.signedOut('Your session has ended; log in again. 会话已结束，请重新登录。'));
    c.on('connection', (state) => {
      $('connection').textContent = { online: 'online 在线', connecting: 'connecting 连接中…', offline: 'offline, reconnecting 离线，重连中…' }[state];
    });
    c.on('ready', (frame) => {
      const teamIds = frame.account.teamIds ?? [];
      // New canned replies go to the first team (the server's rule); shown by its name.
      const cannedTeam = teamIds.length > 0 ? frame.teams.find((team) => team.id === teamIds[0])?.name ?? '' : '';
      this.#me = { id: frame.account.id, displayName: frame.account.displayName, teamIds, cannedTeam };
      $('me-name').textContent = `${frame.account.displayName} (${frame.account.role})`;
      $('admin-tab').hidden = frame.account.role !== 'admin';
      $('kb-tab').hidden = frame.account.role !== 'admin';
      $('desk').hidden = false;
      this.#controls.ready(frame);
      this.#conversations = new Map(frame.conversations.map((conversation) => [conversation.conversationId, conversation]));
      for (const conversation of frame.conversations) {
        if (!this.#unread.has(conversation.conversationId)) this.#unread.set(conversation.conversationId, Math.max(0, conversation.lastSeq - conversation.agentReadUpTo));
      }
      this.#list.reorder();
      this.#updateBadge();
      if (this.#selectedId) this.#connection.send({ type: 'history', conversationId: this.#selectedId });
      this.#connection.send({ type: 'canned' });
      this.#refreshView();
    });
    c.on('agents', (frame) => {
      $('agents-online').textContent = `agents online 在线客服: ${frame.names.join(', ')}`;
      this.#controls.agents(frame.agents);
    });
    c.on('conversation_gone', ({ conversationId }) => {
      this.#forget(conversationId);
      this.#list.reorder();
      this.#updateBadge();
    });
    c.on('queue', (frame) => {
      for (const entry of frame.entries) {
        const known = this.#conversations.get(entry.conversationId);
        if (known) known.position = entry.position;
      }
      this.#list.reorder();
      this.#updateBadge();
    });
    c.on('conversation', ({ conversation }) => {
      const before = this.#conversations.get(conversation.conversationId);
      this.#conversations.set(conversation.conversationId, conversation);
      if (!before && conversation.state === 'queued') {
        this.#unread.set(conversation.conversationId, Math.max(1, conversation.lastSeq - conversation.agentReadUpTo));
        this.#alert(conversation, 'New chat waiting 新会话排队中', conversation.lastMessage?.text ?? '');
      }
      this.#pane.update(conversation);
      // A conversation that left the desk is forgotten (a long shift would keep them all),
      // unless it is the one open.
      if (conversation.state !== 'queued' && conversation.state !== 'with_agent' && conversation.conversationId !== this.#selectedId) this.#forget(conversation.conversationId);
      this.#list.reorder();
      this.#updateBadge();
      if (conversation.conversationId === this.#selectedId && this.#visitor.conversationId === conversation.conversationId) this.#connection.send({ type: 'visitor', conversationId: conversation.conversationId });
    });
    c.on('history', (frame) => {
      if (frame.conversation) this.#conversations.set(frame.conversationId, frame.conversation);
      const entry = { messages: frame.messages, notes: frame.notes ?? [] };
      this.#history.set(frame.conversationId, entry);
      if (frame.conversationId === this.#selectedId && frame.conversation) {
        this.#pane.show(frame.conversation, entry.messages, entry.notes, this.#identity(), this.#drafts.get(frame.conversationId));
        this.#controls.show(frame.conversation);
        const lastVisitor = entry.messages.findLast((m) => m.author === 'visitor');
        if (lastVisitor) this.#askAssist(frame.conversationId, lastVisitor.seq, lastVisitor.text);
      }
      this.#list.touch(frame.conversationId);
    });
    c.on('msg', ({ conversationId, message }) => this.#onMessage(conversationId, message));
    c.on('note', ({ conversationId, note }) => {
      this.#history.get(conversationId)?.notes.push(note);
      if (conversationId === this.#selectedId) this.#pane.addNote(note);
    });
    c.on('visitor', ({ conversationId, profile }) => this.#visitor.render(conversationId, profile));
    c.on('assist', (frame) => {
      if (frame.conversationId === this.#selectedId && this.#assistQuestions.has(frame.seq)) {
        this.#assist.render({ question: this.#assistQuestions.get(frame.seq), tier: frame.tier, matches: frame.matches });
      }
    });
    c.on('canned', (frame) => {
      this.#canned = frame.replies;
      this.#renderCanned();
    });
    // A colleague (or this account in another tab) edited the team's canned replies.
    c.on('canned_changed', () => this.#connection.send({ type: 'canned' }));
    c.on('visitor_typing', ({ conversationId, on }) => {
      if (conversationId === this.#selectedId) this.#pane.setVisitorTyping(on);
    });
    c.on('visitor_read', ({ conversationId, upToSeq }) => {
      const known = this.#conversations.get(conversationId);
      if (known) known.visitorReadUpTo = Math.max(known.visitorReadUpTo, upToSeq);
      if (conversationId === this.#selectedId) this.#pane.setVisitorRead(upToSeq);
    });
    c.on('result', (frame) => {
      if (frame.error && frame.conversationId === this.#selectedId) this.#pane.status(`${frame.request}: ${frame.error}`);
      else if (frame.error) $('connection').textContent = `${frame.request}: ${frame.error}`;
      else if (frame.conversationId === this.#selectedId) this.#pane.status('');
    });
    c.on('ticket', ({ ticket }) => this.#tickets.updated(ticket));
    c.on('rating', () => this.#view === 'ratings' && this.#refreshView());
    c.on('tickets', (frame) => this.#tickets.render(frame.tickets));
    c.on('ratings', (frame) => this.#reports.renderRatings(frame));
    c.on('hot_questions', (frame) => this.#reports.renderHotQuestions(frame));
    c.on('report', (frame) => this.#charts.render(frame));
  }

  #onMessage(conversationId, message) {
    const conversation = this.#conversations.get(conversationId);
    this.#history.get(conversationId)?.messages.push(message);
    if (conversation) {
      conversation.lastMessage = { author: message.author, text: message.text.slice(0, 120), at: message.time, seq: message.seq };
      conversation.lastSeq = Math.max(conversation.lastSeq, message.seq);
    }
    const looking = conversationId === this.#selectedId && this.#view === 'chats' && document.visibilityState === 'visible';
    if (conversationId === this.#selectedId) {
      this.#pane.addMessage(message);
      if (message.author === 'visitor') this.#askAssist(conversationId, message.seq, message.text);
    }
    if (!looking && message.author === 'visitor') {
      this.#unread.set(conversationId, (this.#unread.get(conversationId) ?? 0) + 1);
      if (conversation) this.#alert(conversation, `${conversation.visitorName ?? 'Visitor 访客'}: new message 新消息`, message.text);
      this.#updateBadge();
    }
    this.#list.touch(conversationId);
  }

  // Only for conversations the agent could act on: waiting, or their own.
  #alert(conversation, title, body) {
    if (conversation.state === 'with_agent' && conversation.agentId !== this.#me.id) return;
    this.#attention.alert({ title, body: `${conversation.siteId} · ${body}`.slice(0, 200), tag: conversation.conversationId });
  }

  // Counted over every conversation, so batched like the list's rows however many messages arrive.
  #updateBadge() {
    if (!this.#badgeFrame) this.#badgeFrame = setTimeout(() => this.#renderBadge(), BADGE_BATCH_MS);
  }

  #renderBadge() {
    this.#badgeFrame = 0;
    let count = 0;
    for (const [id, conversation] of this.#conversations) {
      if (conversation.state === 'queued' || (conversation.state === 'with_agent' && conversation.agentId === this.#me.id)) count += this.#unread.get(id) ? 1 : 0;
    }
    this.#attention.setBadge(count);
    const waiting = [...this.#conversations.values()].filter((c) => c.state === 'queued').length;
    const text = waiting ? `(${waiting} waiting 排队)` : '';
    if ($('queue-count').textContent !== text) $('queue-count').textContent = text;
  }

  #forget(conversationId) {
    this.#conversations.delete(conversationId);
    this.#unread.delete(conversationId);
    this.#history.delete(conversationId);
    this.#drafts.delete(conversationId);
  }

  #markSeen(conversationId) {
    if (!this.#unread.get(conversationId)) return;
    this.#unread.set(conversationId, 0);
    this.#updateBadge();
    this.#list.touch(conversationId);
  }

  #identity() {
    return { myId: this.#me.id, myName: this.#me.displayName };
  }

  // The open conversation's visitor messages (newest first) and the agent's last reply.
  #teachFromConversation() {
    const conversation = this.#conversations.get(this.#selectedId);
    const messages = this.#history.get(this.#selectedId)?.messages ?? [];
    const asked = messages.filter((m) => m.author === 'visitor' && m.text).reverse();
    if (!conversation || asked.length === 0) return;
    const reply = messages.findLast((m) => m.author === 'agent')?.text ?? '';
    this.#teach.open({ siteId: conversation.siteId, questions: asked.map((m) => m.text), reply, source: { conversationId: conversation.conversationId, seq: asked[0].seq } });
  }

  #open(conversationId) {
    this.#teach.close();
    const previous = this.#selectedId;
    this.#selectedId = conversationId;
    this.#connection.send({ type: 'history', conversationId });
    this.#connection.send({ type: 'visitor', conversationId });
    this.#visitor.loading(conversationId);
    this.#assist.clear();
    this.#assistQuestions.clear();
    // Shown at once from what is known; the history reply fills it in.
    const known = this.#conversations.get(conversationId);
    const cached = this.#history.get(conversationId);
    if (known) {
      this.#pane.show(known, cached?.messages ?? [], cached?.notes ?? [], this.#identity(), this.#drafts.get(conversationId));
      this.#controls.show(known);
    }
    this.#markSeen(conversationId);
    if (previous) this.#list.touch(previous, { urgent: true });
    this.#list.touch(conversationId, { urgent: true });
  }

  #showView(view) {
    this.#view = view;
    for (const tab of document.querySelectorAll('.tabs button')) tab.setAttribute('aria-pressed', String(tab.dataset.view === view));
    for (const name of ['chats', 'tickets', 'reports', 'ratings', 'hot', 'canned', 'kb', 'admin']) $(`view-${name}`).hidden = name !== view;
    if (view === 'chats' && this.#selectedId) this.#markSeen(this.#selectedId);
    if (view === 'admin') this.#admin.refresh();
    if (view === 'kb') this.#kb.refresh();
    this.#refreshView();
  }

  #refreshView() {
    if (this.#view === 'reports') return this.#charts.refresh();
    const request = { tickets: 'tickets', ratings: 'ratings', hot: 'hot_questions' }[this.#view];
    if (request) this.#connection.send({ type: request });
  }
}

new ConsoleApp();
