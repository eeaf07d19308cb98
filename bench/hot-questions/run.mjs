// npm run bench:hot-questions [-- --questions N --chars C]
// Starts the server in this process (so its event loop is the one measured), files N
// distinct C-character questions the bot cannot answer (default 1,000 × 4,000), opens
// the hot-questions report from a console, and prints one JSON line:
// {questions, maxStallMs, replyBytes} (+ filed, the questions the report counts).
import { parseArgs } from 'node:util';
import { startTestServer } from '../../tests/server/helpers/running-server.js';
import { fileAndOpenReport } from './hot-question-load.mjs';

const { values } = parseArgs({ options: { questions: { type: 'string', default: '1000' }, chars: { type: 'string', default: '4000' } } });
const questions = Number(values.questions);
const chars = Number(values.chars);
// Default limits except the per-IP message bucket: the bench is one address filing
// what many visitors would.
const server = await startTestServer({ config: { limits: { ipBurst: questions * 2, ipPerMinute: questions * 2 } } });
try {
  const result = await fileAndOpenReport(server, { questions, chars });
  process.stdout.write(`${JSON.stringify({ questions: result.questions, maxStallMs: result.maxStallMs, replyBytes: result.replyBytes, filed: result.filed })}\n`);
} finally {
  await server.close();
  server.removeData();
}
