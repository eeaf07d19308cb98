// When no agent is working: the business hours, a leave-a-message form, and after it
// is sent the ticket number the server returns.
import { createElement } from '../create-element.js';

export class LeaveMessageForm {
  element;
  #hours;
  #form;
  #done;
  #t;

  /** @param {{dispatch: (event: object) => boolean}} actions */
  constructor(doc, translator, actions) {
    this.#t = translator;
    const t = (key) => translator.t(key);
    const message = createElement(doc, 'textarea', { name: 'message', rows: 3, required: true, maxLength: 4000 });
    const contact = createElement(doc, 'input', { type: 'text', name: 'contact', required: true, autocomplete: 'email' });
    this.#hours = createElement(doc, 'p', {});
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
      createElement(doc, 'p', {}, t('offline.leaveMessage')),
      createElement(doc, 'label', {}, t('offline.message'), message),
      createElement(doc, 'label', {}, t('offline.contact'), contact),
      createElement(doc, 'button', { type: 'submit', className: 'primary' }, t('offline.submit')),
    );
    this.#done = createElement(doc, 'p', { attrs: { role: 'status' } });
    this.element = createElement(doc, 'div', { className: 'form' }, createElement(doc, 'h3', {}, t('offline.title')), this.#hours, this.#form, this.#done);
  }

  update(view) {
    const t = (key, values) => this.#t.t(key, values);
    this.#hours.textContent = view.offlineHours ? t('offline.hours', { hours: view.offlineHours }) : '';
    this.#hours.hidden = !view.offlineHours;
    const submitted = view.phase === 'ticket_submitted';
    this.#form.hidden = submitted;
    this.#done.hidden = !submitted;
    // Until the server answers with a number the form shows as sent, without one.
    this.#done.textContent = submitted ? (view.ticketId ? t('offline.ticketCreated', { ticket: view.ticketId }) : t('delivery.sent')) : '';
  }
}
