// When no agent can answer: why (outside business hours, or nobody online right now,
// which the server tells apart), the hours, a leave-a-message form, and once it is
// sent only a confirmation with the ticket number the server returns.
import { createElement } from '../create-element.js';

export class LeaveMessageForm {
  element;
  #title;
  #hours;
  #intro;
  #form;
  #done;
  #t;

  /** @param {{dispatch: (event: object) => boolean}} actions */
  constructor(doc, translator, actions) {
    this.#t = translator;
    const t = (key) => translator.t(key);
    const message = createElement(doc, 'textarea', { name: 'message', rows: 3, required: true, maxLength: 4000 });
    const contact = createElement(doc, 'input', { type: 'text', name: 'contact', required: true, autocomplete: 'email' });
    this.#title = createElement(doc, 'h3', {});
    this.#hours = createElement(doc, 'p', {});
    this.#intro = createElement(doc, 'p', {});
    this.#form = createElement(
      doc,
      'form',
      {
        className: 'form leave-message',
        on: {
          submit: (event) => {
            event.preventDefault();
            if (!message.value.trim() || !contact.value.trim()) return;
            actions.dispatch({ type: 'leave_message', message: message.value.trim(), contact: contact.value.trim() });
          },
        },
      },
      this.#intro,
      createElement(doc, 'label', {}, t('offline.message'), message),
      createElement(doc, 'label', {}, t('offline.contact'), contact),
      createElement(doc, 'button', { type: 'submit', className: 'primary' }, t('offline.submit')),
    );
    this.#done = createElement(doc, 'p', { className: 'ticket-done', attrs: { role: 'status' } });
    this.element = createElement(doc, 'div', { className: 'form' }, this.#title, this.#hours, this.#form, this.#done);
  }

  /**
   * @param {object} view
   * @param {'closed'|'no_agent'|'open'|undefined} reason why nobody can answer, as the server last said
   */
  update(view, reason) {
    const t = (key, values) => this.#t.t(key, values);
    const submitted = view.phase === 'ticket_submitted';
    this.#title.textContent = t(reason === 'no_agent' ? 'offline.noAgentTitle' : reason === 'closed' ? 'offline.closedTitle' : 'offline.title');
    this.#intro.textContent = t('offline.leaveMessage');
    this.#hours.textContent = view.offlineHours ? t('offline.hours', { hours: view.offlineHours }) : '';
    // Sent: the form, its title and the hours give way to the confirmation.
    this.#title.hidden = submitted;
    this.#hours.hidden = submitted || !view.offlineHours;
    this.#form.hidden = submitted;
    this.#done.hidden = !submitted;
    // Until the server answers with a number the form shows as sent, without one.
    this.#done.textContent = submitted ? (view.ticketId ? t('offline.ticketCreated', { ticket: view.ticketId }) : t('delivery.sent')) : '';
  }
}
