// Files N distinct long questions the demo KB cannot answer from several visitors (each
// within the per-visitor daily cap), then opens the hot-questions report from a console
// and measures the event-loop stall of the process the server runs in while it answers.
// Used by `npm run bench:hot-questions` and, smaller, by tests/server/hot-questions-load.test.js.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SocketClient, helloVisitor } from '../../tests/server/helpers/socket-client.js';
import { openConsole } from '../../tests/server/helpers/console-session.js';

// A seeded generator, so every run files the same texts.
function* randomCjk(seed) {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    yield String.fromCodePoint(0x4e00 + (state % 0x5000));
  }
}

export function distinctQuestion(index, chars) {
  const source = randomCjk(index + 1);
  let text = '';
  for (let i = 0; i < chars; i += 1) text += source.next().value;
  return text;
}

/**
 * @param {{wsUrl: string, agentUrl: string, httpUrl: string, accounts: object, origin: string, config: object}} server an in-process server
 * @param {{questions: number, chars: number}} load
 * @returns {Promise<{questions: number, filed: number, maxStallMs: number, replyBytes: number}>}
 */
export async function fileAndOpenReport(server, { questions, chars }) {
  const perVisitor = server.config.limits.hotQuestionsPerVisitorPerDay;
  for (let first = 0; first < questions; first += perVisitor) {
    const visitor = await SocketClient.open(server.wsUrl, { origin: server.origin });
    await helloVisitor(visitor, { epoch: 'e' });
    const count = Math.min(perVisitor, questions - first);
    for (let i = 0; i < count; i += 1) {
      // The claimed tier is ignored: the server's engine decides (these get `handoff`).
      visitor.send({ type: 'message', cmid: `c-${i + 1}`, cseq: i + 1, text: distinctQuestion(first + i, chars), clientTime: 1, bot: { tier: 'handoff' } });
    }
    for (let i = 0; i < count; i += 1) {
      const frame = await visitor.next((f) => f.type === 'ack' || f.type === 'error' || f.type === 'nack', 30_000);
      if (frame.type !== 'ack') throw new Error(`the server refused a question: ${JSON.stringify(frame)}`);
    }
    await visitor.close();
  }
  const { client: agentConsole } = await openConsole(server, { name: 'bench', role: 'admin' });
  const stall = monitorEventLoopDelay({ resolution: 1 });
  stall.enable();
  const report = await agentConsole.request({ type: 'hot_questions', siteId: 'demo' }, 'hot_questions', 120_000);
  stall.disable();
  await agentConsole.close();
  // The server sends JSON.stringify of the frame: the same text, the same bytes.
  return { questions, filed: report.questions, maxStallMs: Math.round(stall.max / 1e5) / 10, replyBytes: Buffer.byteLength(JSON.stringify(report)) };
}
