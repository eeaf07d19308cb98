// Where the hand-off stands: waiting for a person (queue position and wait), the agent
// typing, the conversation ended. Announced politely to screen readers.
import { createElement } from '../create-element.js';

export class ConversationStatus {
  element;
  #t;

  constructor(doc, translator) {
    this.#t = translator;
    this.element = createElement(doc, 'div', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  }

  update(view) {
    const t = (key, values) => this.#t.t(key, values);
    const doc = this.element.ownerDocument;
    const lines = [];
    if (view.phase === 'handoff_requested') lines.push(t('handoff.requested'));
    if (view.phase === 'queued') {
      lines.push(view.queue.position > 0 ? t('queue.position', { position: view.queue.position }) : t('handoff.requested'));
      if (view.queue.etaSeconds > 0) lines.push(t('queue.eta', { minutes: Math.max(1, Math.round(view.queue.etaSeconds / 60)) }));
    }
    if (view.phase === 'with_agent' && view.agent.typing) lines.push(t('agent.typing', { name: view.agent.name || t('author.agent') }));
    if (view.phase === 'ended' || view.phase === 'rated') lines.push(t('chat.ended'));
    if (view.phase === 'rated') lines.push(t('rating.thanks'));
    const text = lines.join('\n');
    if (this.element.dataset.text === text) return; // unchanged: do not re-announce
    this.element.dataset.text = text;
    this.element.replaceChildren(...lines.map((line) => createElement(doc, 'p', {}, line)));
  }
}
