// The foundation demo: the wasm core answers from the sample KB, in the page.
// Everything is rendered with textContent: KB and visitor text are never markup.
import { FaqEngine } from '../../web/core/index.js';

const form = document.getElementById('ask');
const input = document.getElementById('question');
const button = form.querySelector('button');
const statusLine = document.getElementById('status');
const reply = document.getElementById('reply');

const TIER_LABELS = { answer: 'answer', suggest: 'did you mean', handoff: 'hand-off to a person' };

async function start() {
  const kb = await (await fetch('../../shared/kb/demo.json')).text();
  const engine = await FaqEngine.create(kb);
  statusLine.textContent = `Ready: ${engine.stats.entries} FAQs loaded.`;
  input.disabled = false;
  button.disabled = false;
  input.focus();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (question) show(engine.match(question, { k: 3 }));
  });
}

function show({ tier, candidates }) {
  const best = candidates[0];
  const tierLabel = document.getElementById('tier');
  tierLabel.textContent = TIER_LABELS[tier];
  tierLabel.className = `tier ${tier}`;
  document.getElementById('matched-question').textContent = tier === 'handoff' || !best ? '' : best.question;
  document.getElementById('answer').textContent =
    tier === 'handoff' || !best ? 'No answer in the knowledge base — a person would take over here.' : best.answer;
  const alternatives = document.getElementById('alternatives');
  alternatives.replaceChildren(
    ...(tier === 'suggest' ? candidates.slice(1) : []).map((candidate) => {
      const item = document.createElement('li');
      item.textContent = candidate.question;
      return item;
    }),
  );
  reply.hidden = false;
  reply.dataset.tier = tier;
  reply.dataset.faqId = best ? best.id : '';
}

start().catch((error) => {
  statusLine.textContent = `Could not start: ${error.code ?? ''} ${error.message}`;
});
