// The conversation as the visitor reads it: author, time, text, delivery state of
// their own messages (with a retry button on failed ones) and the bot's "did you mean"
// choices as quick replies. The list is a live region (role=log), so screen readers
// announce new messages; nodes are kept per message id and only changed ones redrawn.
import { createElement } from '../create-element.js';
import { renderRichText } from '../rich-text.js';
import { attachmentView } from './attachment-view.js';

export class MessageList {
  element;
  #doc;
  #t;
  #actions;
  #items = new Map(); // message id -> {node, key}
  #list;

  /** @param {{dispatch: (event: object) => void, attachmentUrl?: (id: string) => Promise<string|null>}} actions */
  constructor(doc, translator, actions) {
    this.#doc = doc;
    this.#t = translator;
    this.#actions = actions;
    // The log (live region, scrolled) wraps the list: role=log on the <ol> itself would
    // hide its items' list semantics.
    this.#list = createElement(doc, 'ol');
    this.element = createElement(doc, 'div', { className: 'messages', tabIndex: 0, attrs: { role: 'log', 'aria-live': 'polite', 'aria-label': translator.t('panel.title') } }, this.#list);
  }

  update(view) {
    const scroller = this.element;
    const list = this.#list;
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
    const live = new Set();
    const last = view.messages.at(-1);
    let previous = null;
    for (const message of view.messages) {
      live.add(message.id);
      const offerChoices = message === last && view.phase === 'bot';
      const key = JSON.stringify([message.text, message.name, message.tier, offerChoices && message.suggestions, message.attachment?.id]);
      let item = this.#items.get(message.id);
      if (!item || item.key !== key) {
        const node = this.#render(message, offerChoices);
        if (item) item.node.replaceWith(node);
        item = { node, key, delivery: message.delivery };
        this.#items.set(message.id, item);
      } else if (item.delivery !== message.delivery) {
        // Only the state line changes, so the live region does not read the message again.
        item.node.querySelector('.delivery')?.replaceWith(this.#delivery(message));
        item.delivery = message.delivery;
      }
      // Keep document order equal to conversation order (a server copy can replace a local one).
      const expectedNext = previous ? previous.nextSibling : list.firstChild;
      if (expectedNext !== item.node) list.insertBefore(item.node, expectedNext);
      previous = item.node;
    }
    for (const [id, item] of this.#items) {
      if (!live.has(id)) {
        item.node.remove();
        this.#items.delete(id);
      }
    }
    if (nearBottom || last?.author === 'visitor') scroller.scrollTop = scroller.scrollHeight;
  }

  #render(message, offerChoices) {
    const doc = this.#doc;
    const t = this.#t;
    // Where a new conversation began: the earlier one stays above as history.
    if (message.author === 'divider') return createElement(doc, 'li', { className: 'divider', attrs: { 'data-id': message.id } }, t.t('chat.newConversationStarted'));
    const author = message.author === 'agent' && message.name ? message.name : t.t(`author.${message.author}`);
    const bubble = createElement(doc, 'div', { className: 'bubble' });
    if (message.author === 'visitor') {
      bubble.textContent = message.text; // the visitor's own words, exactly as typed
    } else if (message.author === 'bot' && message.tier === 'suggest' && !message.text) {
      bubble.textContent = t.t('bot.didYouMean');
    } else if (message.author === 'bot' && message.tier === 'handoff' && !message.text) {
      bubble.textContent = `${t.t('bot.noAnswer')} ${t.t('bot.offerHuman')}`;
    } else {
      renderRichText(bubble, message.text);
    }
    // A file's message: its text is the file's name, which the attachment shows.
    if (message.attachment && this.#actions.attachmentUrl) bubble.replaceChildren(attachmentView(doc, t, message.attachment, this.#actions.attachmentUrl));
    const node = createElement(
      doc,
      'li',
      { className: `message ${message.author}`, attrs: { 'data-id': message.id } },
      createElement(doc, 'p', { className: 'meta' }, `${author} · `, createElement(doc, 'time', { dateTime: new Date(message.time || 0).toISOString() }, t.time(message.time))),
      bubble,
    );
    if (message.delivery) node.append(this.#delivery(message));
    if (offerChoices && message.suggestions?.length) {
      const choices = createElement(doc, 'div', { className: 'quick-replies', attrs: { role: 'group', 'aria-label': t.t('composer.suggestions') } });
      for (const suggestion of message.suggestions) {
        choices.append(
          createElement(doc, 'button', { type: 'button', className: 'chip', on: { click: () => this.#actions.dispatch({ type: 'choose_suggestion', faqId: suggestion.faqId }) } }, suggestion.question),
        );
      }
      node.append(choices);
    }
    return node;
  }

  #delivery(message) {
    const doc = this.#doc;
    const line = createElement(doc, 'p', { className: `delivery ${message.delivery}`, attrs: { 'data-delivery': message.delivery } }, this.#t.t(`delivery.${message.delivery}`));
    if (message.delivery === 'failed') {
      // The core retries every failed message, oldest first, so order is kept.
      line.append(createElement(doc, 'button', { type: 'button', className: 'link-button', on: { click: () => this.#actions.dispatch({ type: 'retry', cmid: message.id }) } }, this.#t.t('delivery.retry')));
    }
    return line;
  }
}
