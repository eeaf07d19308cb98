// Where the visitor types. Enter sends, Shift+Enter starts a new line. While the bot
// is answering, questions from the knowledge base are offered as the visitor types
// (typeahead from the wasm FAQ engine), as an ARIA combobox operable from the keyboard.
import { createElement } from '../create-element.js';

const TYPEAHEAD_SIZE = 5;
// "typing: off" after this long without a keystroke.
const TYPING_IDLE_MS = 3000;

export class Composer {
  element;
  input;
  #t;
  #actions;
  #listbox;
  #error;
  #options = [];
  #active = -1;
  #phase = 'bot';
  #typing = false;
  #typingTimer = null;

  /**
   * @param {{dispatch: (event: object) => boolean, suggest: (prefix: string, k: number) => {id: string, question: string}[]}} actions
   *   dispatch returns false when the core rejected the event (the text then stays in the box)
   */
  constructor(doc, translator, actions) {
    this.#t = translator;
    this.#actions = actions;
    const t = (key) => translator.t(key);
    this.#listbox = createElement(doc, 'ul', { className: 'typeahead', id: 'kefu-typeahead', hidden: true, attrs: { role: 'listbox', 'aria-label': t('composer.suggestions') } });
    this.input = createElement(doc, 'textarea', {
      rows: 1,
      placeholder: t('composer.placeholder'),
      attrs: { 'aria-label': t('composer.placeholder'), role: 'combobox', 'aria-autocomplete': 'list', 'aria-controls': 'kefu-typeahead', 'aria-expanded': 'false', 'aria-describedby': 'kefu-composer-error' },
      on: {
        input: () => this.#onInput(),
        keydown: (event) => this.#onKeyDown(event),
        blur: () => {
          this.#stopTyping();
          this.#closeList(); // options are picked on mousedown, before the blur
        },
      },
    });
    this.#error = createElement(doc, 'p', { className: 'field-error', id: 'kefu-composer-error', attrs: { role: 'alert' } });
    this.element = createElement(
      doc,
      'form',
      { className: 'composer-form', on: { submit: (event) => (event.preventDefault(), this.#send()) } },
      createElement(doc, 'div', { className: 'composer' }, this.#listbox, this.input, createElement(doc, 'button', { type: 'submit', className: 'primary' }, t('composer.send'))),
      this.#error,
    );
  }

  update(view) {
    // The site may word it per locale (docs/embedding.md); set on each draw, as the locale can change.
    const placeholder = this.#t.t('composer.placeholder');
    this.input.placeholder = placeholder;
    this.input.setAttribute('aria-label', placeholder);
    this.#phase = view.phase;
    if (view.phase !== 'bot') this.#closeList();
  }

  showError(text) {
    this.#error.textContent = text;
  }

  #send() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.#stopTyping();
    if (this.#actions.dispatch({ type: 'send_text', text })) {
      this.input.value = '';
      this.#error.textContent = '';
      this.#closeList();
    }
  }

  #onInput() {
    this.#error.textContent = '';
    if (this.#phase === 'with_agent') {
      if (!this.#typing) this.#actions.dispatch({ type: 'typing', on: true });
      this.#typing = true;
      clearTimeout(this.#typingTimer);
      this.#typingTimer = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
    }
    const prefix = this.input.value.trim();
    this.#options = this.#phase === 'bot' && prefix ? this.#actions.suggest(prefix, TYPEAHEAD_SIZE) : [];
    this.#active = -1;
    this.#drawList();
  }

  #stopTyping() {
    clearTimeout(this.#typingTimer);
    if (this.#typing) this.#actions.dispatch({ type: 'typing', on: false });
    this.#typing = false;
  }

  #onKeyDown(event) {
    const open = !this.#listbox.hidden;
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      // -1 is the text box itself; the arrows cycle through it and the options.
      const count = this.#options.length + 1;
      this.#active = ((this.#active + 1 + (event.key === 'ArrowDown' ? 1 : -1) + count) % count) - 1;
      this.#drawList();
    } else if (open && event.key === 'Escape') {
      event.stopPropagation(); // closes the list, not the panel
      this.#closeList();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      // Enter that confirms a pinyin/zhuyin candidate in the IME must not send; Safari
      // reports it only through keyCode 229.
      event.preventDefault();
      if (open && this.#active >= 0) this.#choose(this.#options[this.#active]);
      else this.#send();
    }
  }

  #choose(option) {
    this.#closeList();
    if (this.#actions.dispatch({ type: 'choose_suggestion', faqId: option.id })) this.input.value = '';
  }

  #closeList() {
    this.#options = [];
    this.#active = -1;
    this.#drawList();
  }

  #drawList() {
    const doc = this.#listbox.ownerDocument;
    this.#listbox.replaceChildren(
      ...this.#options.map((option, index) =>
        createElement(
          doc,
          'li',
          { id: `kefu-option-${index}`, attrs: { role: 'option', 'aria-selected': String(index === this.#active) }, on: { mousedown: (event) => (event.preventDefault(), this.#choose(option)) } },
          option.question,
        ),
      ),
    );
    const open = this.#options.length > 0;
    this.#listbox.hidden = !open;
    this.input.setAttribute('aria-expanded', String(open));
    if (this.#active >= 0) this.input.setAttribute('aria-activedescendant', `kefu-option-${this.#active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }
}
