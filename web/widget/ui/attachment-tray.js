// The visitor's way to send a file: an attach button (a real <button> opening the file
// picker, so it works from the keyboard), paste and drop anywhere on the panel, the
// upload's progress, and why a file was refused, said in the panel (role=alert).
import { createElement } from '../create-element.js';
import { ACCEPTED_TYPES } from '../attachment-uploader.js';

const MEGABYTE = 1024 * 1024;
// Server refusal codes (server/http/uploads.js) -> the visitor's reason.
const REASONS = {
  too_large: 'attach.tooLarge',
  type_not_allowed: 'attach.typeNotAllowed',
  svg_not_allowed: 'attach.svgNotAllowed',
  type_mismatch: 'attach.typeMismatch',
};

export class AttachmentTray {
  element;
  #t;
  #onFiles;
  #status;
  #progress;
  #label;
  #error;
  #cleanups = [];

  /**
   * @param {Document} doc
   * @param {import('../translator.js').Translator} translator
   * @param {(files: File[]) => void} onFiles
   */
  constructor(doc, translator, onFiles) {
    this.#t = translator;
    this.#onFiles = onFiles;
    const input = createElement(doc, 'input', {
      type: 'file',
      className: 'attach-input',
      accept: ACCEPTED_TYPES.join(','),
      tabIndex: -1,
      attrs: { 'aria-hidden': 'true' },
      on: {
        change: () => {
          this.#take([...input.files]);
          input.value = ''; // the same file picked again is a new choice
        },
      },
    });
    const label = translator.t('attach.button');
    const button = createElement(doc, 'button', { type: 'button', className: 'attach-button', title: label, attrs: { 'aria-label': label }, on: { click: () => input.click() } }, '+');
    this.#progress = createElement(doc, 'progress', { max: 100, value: 0, hidden: true });
    this.#label = createElement(doc, 'span', { attrs: { role: 'status' } });
    this.#error = createElement(doc, 'p', { className: 'field-error', attrs: { role: 'alert' } });
    this.#status = createElement(doc, 'div', { className: 'attach-status' }, this.#progress, this.#label, this.#error);
    this.element = createElement(doc, 'div', { className: 'attach-bar' }, button, input, this.#status);
  }

  /** Paste and drop on `target` (the panel) send their files too. */
  listen(target) {
    const on = (event, listener) => {
      target.addEventListener(event, listener);
      this.#cleanups.push(() => target.removeEventListener(event, listener));
    };
    on('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return; // text is pasted as usual
      event.preventDefault();
      this.#take(files);
    });
    on('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      target.classList.add('dragging');
    });
    on('dragleave', () => target.classList.remove('dragging'));
    on('drop', (event) => {
      target.classList.remove('dragging');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      this.#take(files);
    });
  }

  /** null: no upload running. */
  showProgress(state) {
    this.#progress.hidden = state === null;
    if (state === null) {
      this.#label.textContent = '';
      return;
    }
    this.#progress.value = state.percent;
    this.#label.textContent = this.#t.t('attach.uploading', { name: state.name, percent: state.percent });
  }

  showRefused({ code, name, max }) {
    const values = { name, max: max ? Math.round((max / MEGABYTE) * 10) / 10 : '' };
    this.#error.textContent = this.#t.t(REASONS[code] ?? 'attach.failed', values);
  }

  #take(files) {
    this.#error.textContent = '';
    this.#onFiles(files);
  }

  destroy() {
    for (const cleanup of this.#cleanups) cleanup();
  }
}

