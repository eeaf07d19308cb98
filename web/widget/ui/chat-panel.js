// The chat window: a non-modal dialog above the launcher (full screen on phones)
// holding the header, the connection banner, the conversation, the hand-off status and
// whichever footer the phase calls for — the composer, the pre-chat form, the rating
// form, the leave-a-message form or, after a rating, "new conversation" and the
// transcript. Before the visitor writes (and after "new conversation", below the old
// conversation kept as history) the home screen sits at the end of the conversation.
// It draws from the session's view() and sends the visitor's actions back as session events.
import { createElement } from '../create-element.js';
import { ConnectionBanner } from './connection-banner.js';
import { ConversationStatus } from './conversation-status.js';
import { Composer } from './composer.js';
import { HomeScreen } from './home-screen.js';
import { LeaveMessageForm } from './leave-message-form.js';
import { MessageList } from './message-list.js';
import { PreChatForm } from './prechat-form.js';
import { RatingForm } from './rating-form.js';
import { AttachmentTray } from './attachment-tray.js';

export class ChatPanel {
  element;
  #t;
  #subtitle;
  #notice;
  #handoffBar;
  #footer;
  #banner;
  #messages;
  #status;
  #composer;
  #prechat;
  #rating;
  #leaveMessage;
  #attachTray = null;
  #home;
  #afterChat;
  #title;
  #view = null;
  #footerShown = null;
  #homeData = null;
  #homeMark = 0; // the home screen shows while the conversation has no more messages than this

  /**
   * @param {Document} doc
   * @param {import('../translator.js').Translator} translator
   * @param {{dispatch: (event: object) => boolean, suggest: (prefix: string, k: number) => object[], close: () => void,
   *   attachFiles?: (files: File[]) => void, attachmentUrl?: (id: string) => Promise<string|null>,
   *   ask: (question: string) => void, newConversation: () => void, transcript: () => void}} actions
   *   attachFiles: the visitor may send files (the attach button, paste and drop)
   */
  constructor(doc, translator, actions) {
    this.#t = translator;
    const t = (key) => translator.t(key);
    this.#subtitle = createElement(doc, 'p', { className: 'subtitle' }, t('panel.subtitle.bot'));
    this.#notice = createElement(doc, 'p', { className: 'notice', hidden: true, attrs: { role: 'status' } });
    this.#banner = new ConnectionBanner(doc, translator);
    this.#messages = new MessageList(doc, translator, actions);
    this.#status = new ConversationStatus(doc, translator);
    this.#composer = new Composer(doc, translator, actions);
    this.#prechat = new PreChatForm(doc, translator, actions);
    this.#rating = new RatingForm(doc, translator, actions);
    this.#leaveMessage = new LeaveMessageForm(doc, translator, actions);
    this.#home = new HomeScreen(doc, translator, actions);
    this.#messages.element.append(this.#home.element);
    this.#title = createElement(doc, 'h2', { className: 'title', id: 'kefu-title' });
    // After the rating: the conversation stays above as history.
    this.#afterChat = {
      element: createElement(
        doc,
        'div',
        { className: 'after-chat' },
        createElement(doc, 'button', { type: 'button', className: 'primary new-conversation', on: { click: () => actions.newConversation() } }, t('chat.newConversation')),
        createElement(doc, 'button', { type: 'button', className: 'link-button transcript', on: { click: () => actions.transcript() } }, t('chat.transcript')),
      ),
    };
    this.#handoffBar = createElement(
      doc,
      'div',
      { className: 'actions', hidden: true },
      createElement(doc, 'button', { type: 'button', className: 'secondary handoff', on: { click: () => actions.dispatch({ type: 'request_handoff' }) } }, t('handoff.button')),
    );
    this.#footer = createElement(doc, 'div', { className: 'footer' });
    if (actions.attachFiles) this.#attachTray = new AttachmentTray(doc, translator, actions.attachFiles);
    this.element = createElement(
      doc,
      'div',
      {
        className: 'panel',
        id: 'kefu-panel',
        hidden: true,
        attrs: { role: 'dialog', 'aria-labelledby': 'kefu-title', 'aria-modal': 'false' },
        on: {
          keydown: (event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              actions.close();
            }
          },
        },
      },
      createElement(
        doc,
        'div',
        { className: 'header' },
        createElement(doc, 'div', { className: 'header-text' }, this.#title, this.#subtitle),
        createElement(doc, 'button', { type: 'button', className: 'icon-button close', attrs: { 'aria-label': t('panel.close') }, on: { click: () => actions.close() } }, '×'),
      ),
      this.#banner.element,
      this.#notice,
      this.#messages.element,
      this.#status.element,
      this.#handoffBar,
      this.#footer,
    );
    if (this.#attachTray) {
      this.#footer.before(this.#attachTray.element);
      this.#attachTray.listen(this.element);
    }
  }

  /** The attachment tray, when files may be sent. */
  get attachments() {
    return this.#attachTray;
  }

  get open() {
    return !this.element.hidden;
  }

  setOpen(open) {
    this.element.hidden = !open;
    if (open) this.focusFirstField();
  }

  /** The field the visitor most likely wants: the composer, or the first form field. */
  focusFirstField() {
    const target = this.#footer.querySelector('textarea:not([hidden]), input:not([type=radio]), input[type=radio]');
    (target ?? this.element.querySelector('button.close')).focus();
  }

  /** Shown once, e.g. that history is not kept in this browser. */
  showNotice(text) {
    this.#notice.textContent = text;
    this.#notice.hidden = false;
  }

  showError(text) {
    this.#composer.showError(text);
  }

  /** The server refused this page for good: the banner says so and stays. */
  showRefused(text) {
    this.#banner.refuse(text);
  }

  /** The home screen's content (site config, boot options, availability); redrawn with the view. */
  setHome(home) {
    this.#homeData = home;
    if (this.#view) this.update(this.#view);
  }

  /**
   * "New conversation" while the bot is talking: the home screen again, below the
   * conversation so far. (After the end, the core starts one on the server: its divider
   * message brings the home screen back.)
   * @returns {boolean} false where a new conversation cannot start (a person is on it, or being asked)
   */
  startNewConversation() {
    const view = this.#view;
    if (!view || view.phase !== 'bot') return false;
    this.#homeMark = view.messages.length;
    this.update(view);
    this.focusFirstField();
    return true;
  }

  /** Puts text in the composer without sending it (the `prefill` command). */
  prefill(text) {
    this.#composer.input.value = text;
  }

  /** Whether the home screen is up (its end, by a message, is the `conversation_started` event). */
  get homeShown() {
    return !this.#home.element.hidden;
  }

  update(view) {
    const t = (key, values) => this.#t.t(key, values);
    const root = this.element.getRootNode();
    const hadFocus = this.element.contains(root.activeElement);
    this.#view = view;
    // For host-page CSS and tests: where the conversation and the line stand.
    this.element.dataset.phase = view.phase;
    this.element.dataset.connection = view.connection;
    this.#title.textContent = t('panel.title');
    this.#subtitle.textContent = view.phase === 'with_agent' && view.agent.name ? t('panel.subtitle.agent', { name: view.agent.name }) : t('panel.subtitle.bot');
    this.#banner.update(view.connection);
    this.#messages.update(view);
    this.#status.update(view);
    this.#handoffBar.hidden = view.phase !== 'bot';
    this.#composer.update(view);
    this.#leaveMessage.update(view, this.#homeData?.availability?.state);
    // Nothing said yet in this conversation: none at all, none since "new conversation"
    // while the bot talked, or none since the divider of a new conversation on the server
    // (which says so itself in the list).
    const afterDivider = view.messages.at(-1)?.author === 'divider';
    const homeShown = Boolean(this.#homeData) && (view.messages.length <= this.#homeMark || afterDivider) && ['prechat', 'bot', 'ended', 'rated'].includes(view.phase);
    this.#home.element.hidden = !homeShown;
    if (homeShown) this.#home.update({ ...this.#homeData, afterHistory: this.#homeMark > 0 && !afterDivider });
    const footer = this.#footerFor(view);
    if (footer !== this.#footerShown) this.#footer.replaceChildren(footer.element);
    this.#footerShown = footer;
    if (this.#attachTray) this.#attachTray.element.hidden = footer !== this.#composer;
    // A redraw can remove the focused control (a chosen quick reply, a sent form): focus
    // must not fall back to <body>, where the keyboard user would lose the panel.
    if (hadFocus && this.open && !this.element.contains(root.activeElement)) this.focusFirstField();
  }

  #footerFor(view) {
    if (!view) return null;
    if (view.phase === 'prechat') return this.#prechat;
    if (view.phase === 'offline' || view.phase === 'ticket_submitted') return this.#leaveMessage;
    if (view.phase === 'ended' && view.ratingRequested) return this.#rating;
    if (view.phase === 'rated') return this.#afterChat;
    return this.#composer;
  }

  destroy() {
    this.#banner.destroy();
    this.#attachTray?.destroy();
  }
}
