#!/usr/bin/env node
// npm run bench:session [-- --events N]
// Message events per second through the chat session in the wasm core, as the widget
// drives it (JSON across the boundary, effects returned): visitor messages, their acks,
// and agent messages, alternating. No knowledge base, so the FAQ engine is not measured.
import { ChatSession } from '../../web/core/index.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--events') + 1]) || 300_000;
const session = await ChatSession.create({ config: { siteId: 'bench', outbox: { maxCount: 100_000, maxBytes: 1 << 30 } } });
let now = 1_764_000_000_000;
session.startFresh({ seed: 1, now });
session.handle({ type: 'connected', now });
session.handle({ type: 'frame', now, text: JSON.stringify({ type: 'welcome', v: 1, sessionToken: 't', conversationId: 'c', lastSeq: 0, nextCseq: 1, state: 'with_agent', agentsOnline: true }) });

let seq = 0;
let events = 0;
const started = process.hrtime.bigint();
while (events < total) {
  now += 1;
  const effects = session.handle({ type: 'send_text', text: `visitor message ${events}`, now });
  const frame = effects.find((effect) => effect.type === 'send' && effect.frame.type === 'message').frame;
  seq += 1;
  session.handle({ type: 'frame', now, text: JSON.stringify({ type: 'ack', cmid: frame.cmid, cseq: frame.cseq, seq, serverId: `c:${seq}` }) });
  seq += 1;
  session.handle({ type: 'frame', now, text: JSON.stringify({ type: 'msg', seq, serverId: `c:${seq}`, author: 'agent', text: `agent reply ${seq}`, time: now }) });
  events += 3;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
session.dispose();
console.log(JSON.stringify({ events, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(events / seconds) }));
