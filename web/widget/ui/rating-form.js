// End-of-chat rating: 1–5 stars as a radio group (arrow keys move between stars, as
// for any radio group) and an optional comment; the thank-you is ConversationStatus's.
// Compact, so the conversation above stays readable: one row of stars, and the comment
// and the submit button on one row once a star is chosen.
import { createElement } from '../create-element.js';

export class RatingForm {
  element;
  #form;
  #stars = [];
  #details;

  /** @param {{dispatch: (event: object) => boolean}} actions */
  constructor(doc, translator, actions) {
    const t = (key, values) => translator.t(key, values);
    const comment = createElement(doc, 'input', { type: 'text', name: 'comment', maxLength: 1000, attrs: { 'aria-label': t('rating.comment') } });
    const group = createElement(doc, 'fieldset', { className: 'stars' }, createElement(doc, 'legend', {}, t('rating.prompt')));
    for (let stars = 1; stars <= 5; stars += 1) {
      const radio = createElement(doc, 'input', { type: 'radio', name: 'stars', value: String(stars), required: true, attrs: { 'aria-label': t('rating.star', { stars }) } });
      const label = createElement(doc, 'label', { className: 'star' }, radio, createElement(doc, 'span', { attrs: { 'aria-hidden': 'true' } }, '★'));
      this.#stars.push(label);
      group.append(label);
    }
    const details = createElement(doc, 'div', { className: 'rating-details', hidden: true }, comment, createElement(doc, 'button', { type: 'submit', className: 'primary' }, t('rating.submit')));
    this.#details = details;
    group.addEventListener('change', () => this.#paint());
    this.#form = createElement(
      doc,
      'form',
      {
        className: 'form rating',
        on: {
          submit: (event) => {
            event.preventDefault();
            const chosen = Number(new FormData(this.#form).get('stars'));
            if (!chosen) return;
            const text = comment.value.trim();
            actions.dispatch(text ? { type: 'rate', stars: chosen, comment: text } : { type: 'rate', stars: chosen });
          },
        },
      },
      group,
      details,
    );
    comment.placeholder = t('rating.comment');
    this.element = this.#form;
  }

  #paint() {
    const chosen = Number(new FormData(this.#form).get('stars'));
    this.#stars.forEach((label, index) => label.classList.toggle('on', index < chosen));
    this.#details.hidden = !chosen;
  }
}
