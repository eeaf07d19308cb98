#!/usr/bin/env node
// npm run bench:session [-- --events N] [-- --inside]
// Message events per second through the chat session in the wasm core, as the widget
// drives it (frames and the visitor's text across the boundary, effects returned):
// visitor messages, their acks, and agent messages, alternating. No knowledge base, so
// the FAQ engine is not measured.
//
// eventsPerSecond is the whole loop: the session's work and the wrapper's (the events
// in, the effects made), plus a stand-in server's: it reads the message frame's cmid and
// cseq from the text the transport would send, and writes the ack and agent frames as the
// text a socket would deliver. The effects are not carried out (no storage, socket or
// view here). --inside also times each session.handle() call alone (the clock reads,
// three per iteration, then add a little to the whole).
import { ChatSession } from '../../web/core/index.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--events') + 1]) || 300_000;
const inside = args.includes('--inside');
const session = await ChatSession.create({ config: { siteId: 'bench', outbox: { maxCount: 100_000, maxBytes: 1 << 30 } } });
let now = 1_764_000_000_000;
session.startFresh({ seed: 1, now });
session.handle({ type: 'connected', now });
session.handle({ type: 'frame', now, text: JSON.stringify({ type: 'welcome', v: 1, sessionToken: 't', conversationId: 'c', lastSeq: 0, nextCseq: 1, state: 'with_agent', agentsOnline: true }) });

// The stand-in server's reading of a message frame: its cmid (a string without escapes)
// and cseq.
function cmidAndCseq(frameText) {
  const cmidAt = frameText.indexOf('"cmid":"') + 8;
  const cseqAt = frameText.indexOf('"cseq":') + 7;
  if (cmidAt < 8 || cseqAt < 7 || !frameText.includes('"type":"message"')) throw new Error(`not a message frame: ${frameText}`);
  return [frameText.slice(cmidAt, frameText.indexOf('"', cmidAt)), Number.parseInt(frameText.slice(cseqAt), 10)];
}

let handleNs = 0n;
const handle = inside
  ? (event) => {
      const before = process.hrtime.bigint();
      const effects = session.handle(event);
      handleNs += process.hrtime.bigint() - before;
      return effects;
    }
  : (event) => session.handle(event);

let seq = 0;
let events = 0;
const started = process.hrtime.bigint();
while (events < total) {
  now += 1;
  const effects = handle({ type: 'send_text', text: `visitor message ${events}`, now });
  const [cmid, cseq] = cmidAndCseq(effects.find((effect) => effect.type === 'send').frameText);
  seq += 1;
  handle({ type: 'frame', now, text: `{"type":"ack","cmid":"${cmid}","cseq":${cseq},"seq":${seq},"serverId":"c:${seq}"}` });
  seq += 1;
  handle({ type: 'frame', now, text: `{"type":"msg","seq":${seq},"serverId":"c:${seq}","author":"agent","text":"agent reply ${seq}","time":${now}}` });
  events += 3;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
session.dispose();
const result = { events, seconds: Math.round(seconds * 100) / 100, eventsPerSecond: Math.round(events / seconds) };
if (inside) {
  const handleSeconds = Number(handleNs) / 1e9;
  Object.assign(result, { handleSeconds: Math.round(handleSeconds * 100) / 100, handleEventsPerSecond: Math.round(events / handleSeconds) });
}
console.log(JSON.stringify(result));
