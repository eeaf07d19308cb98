// The pre-chat form some sites ask for before the first message: name (required),
// email and phone (optional). Errors are tied to their field (aria-describedby) and
// focus moves to the first field in error.
import { createElement } from '../create-element.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class PreChatForm {
  element;

  /** @param {{dispatch: (event: object) => boolean}} actions */
  constructor(doc, translator, actions) {
    const t = (key) => translator.t(key);
    const fields = {};
    const field = (name, type, autocomplete, required) => {
      const error = createElement(doc, 'span', { className: 'field-error', id: `kefu-prechat-${name}-error` });
      const input = createElement(doc, 'input', { type, name, autocomplete, required, attrs: { 'aria-describedby': error.id } });
      fields[name] = { input, error };
      return createElement(doc, 'label', {}, t(`prechat.${name}`), input, error);
    };
    this.element = createElement(
      doc,
      'form',
      {
        className: 'form prechat',
        noValidate: true,
        on: {
          submit: (event) => {
            event.preventDefault();
            const problems = {
              name: fields.name.input.value.trim() ? '' : t('prechat.required'),
              email: !fields.email.input.value.trim() || EMAIL.test(fields.email.input.value.trim()) ? '' : t('prechat.invalidEmail'),
              phone: '',
            };
            for (const [name, { input, error }] of Object.entries(fields)) {
              error.textContent = problems[name];
              input.setAttribute('aria-invalid', String(Boolean(problems[name])));
            }
            const firstBad = Object.keys(fields).find((name) => problems[name]);
            if (firstBad) {
              fields[firstBad].input.focus();
              return;
            }
            const values = {};
            for (const [name, { input }] of Object.entries(fields)) if (input.value.trim()) values[name] = input.value.trim();
            actions.dispatch({ type: 'submit_prechat', fields: values });
          },
        },
      },
      createElement(doc, 'h3', {}, t('prechat.title')),
      field('name', 'text', 'name', true),
      field('email', 'email', 'email', false),
      field('phone', 'tel', 'tel', false),
      createElement(doc, 'button', { type: 'submit', className: 'primary' }, t('prechat.submit')),
    );
  }
}
