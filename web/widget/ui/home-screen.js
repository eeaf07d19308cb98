// What the panel shows before the visitor writes (and again after "new conversation"):
// the site's logo or team photos, its greeting, when a person would reply, and up to
// five suggested questions, each a button that asks it. Every text is set as text.
import { createElement } from '../create-element.js';

const MAX_SUGGESTIONS = 5;

export class HomeScreen {
  element;
  #t;
  #divider;
  #images;
  #greeting;
  #reply;
  #hours;
  #heading;
  #list;
  #key = '';

  /** @param {{ask: (question: string) => void}} actions */
  constructor(doc, translator, actions) {
    this.#t = translator;
    this.#divider = createElement(doc, 'p', { className: 'divider' });
    this.#images = createElement(doc, 'div', { className: 'home-images' });
    this.#greeting = createElement(doc, 'p', { className: 'greeting', id: 'kefu-greeting' });
    this.#reply = createElement(doc, 'p', { className: 'reply-time' });
    this.#hours = createElement(doc, 'p', { className: 'reply-time' });
    this.#heading = createElement(doc, 'h3', { id: 'kefu-suggestions' });
    this.#list = createElement(doc, 'ul', { className: 'suggestions', attrs: { 'aria-labelledby': 'kefu-suggestions' } });
    this.#list.addEventListener('click', (event) => {
      const button = event.target.closest?.('button');
      if (button) actions.ask(button.textContent);
    });
    this.element = createElement(
      doc,
      'section',
      { className: 'home', attrs: { 'aria-labelledby': 'kefu-greeting' } },
      this.#divider,
      this.#images,
      this.#greeting,
      this.#reply,
      this.#hours,
      this.#heading,
      this.#list,
    );
  }

  /**
   * @param {{brandName: string, logo: string|null, avatars: string[], suggestions: string[],
   *   availability: {state: 'open'|'closed'|'no_agent', etaSeconds?: number, hours?: string}|null,
   *   afterHistory: boolean}} home  afterHistory: below an earlier conversation (a divider says so)
   */
  update(home) {
    const key = JSON.stringify([home, this.#t.locale, this.#t.t('home.greeting')]);
    if (key === this.#key) return; // redrawn only when it changed (focus stays on a chosen button)
    this.#key = key;
    const t = (name, values) => this.#t.t(name, values);
    const doc = this.element.ownerDocument;
    const images = home.logo
      ? [createElement(doc, 'img', { className: 'logo', src: home.logo, alt: t('home.logo', { name: home.brandName }) })]
      : home.avatars.map((src) => createElement(doc, 'img', { className: 'avatar', src, alt: '' }));
    this.#images.replaceChildren(...images);
    this.#images.hidden = images.length === 0;
    this.#divider.textContent = home.afterHistory ? t('chat.newConversationStarted') : '';
    this.#divider.hidden = !home.afterHistory;
    this.#greeting.textContent = t('home.greeting');
    const availability = home.availability;
    this.#reply.textContent = !availability
      ? ''
      : availability.state === 'open'
        ? availability.etaSeconds > 0 ? t('home.replyIn', { minutes: Math.max(1, Math.round(availability.etaSeconds / 60)) }) : ''
        : t(availability.state === 'closed' ? 'home.closed' : 'home.noAgent');
    this.#reply.hidden = !this.#reply.textContent;
    this.#hours.textContent = availability?.hours ? t('home.hours', { hours: availability.hours }) : '';
    this.#hours.hidden = !this.#hours.textContent;
    const questions = home.suggestions.slice(0, MAX_SUGGESTIONS);
    this.#heading.textContent = t('home.suggestions');
    this.#heading.hidden = questions.length === 0;
    this.#list.replaceChildren(...questions.map((question) => createElement(doc, 'li', {}, createElement(doc, 'button', { type: 'button', className: 'chip' }, question))));
  }
}
