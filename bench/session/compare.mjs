#!/usr/bin/env node
// node bench/session/compare.mjs DIR_A DIR_B [eventsPerSide] [block]
// bench/session/run.mjs's loop on two builds in one process, interleaved block by block (A then
// B, then B then A, ...), so both see the same load: on a shared machine whole runs of the
// same build vary 2x, which hides a 5% step. DIR_A and DIR_B are checkouts (or copies of
// web/ and dist/) with their core built; run against itself it gives a ratio of 1.00.
// Works with cores from before round 4 too (their send effects have no frameText).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [dirA, dirB] = process.argv.slice(2, 4);
const total = Number(process.argv[4] || 90000);
const block = Number(process.argv[5] || 600);
async function side(dir) {
  const { ChatSession } = await import(pathToFileURL(resolve(dir, 'web/core/index.js')).href);
  const session = await ChatSession.create({ config: { siteId: 'bench', outbox: { maxCount: 100_000, maxBytes: 1 << 30 } } });
  let now = 1_764_000_000_000;
  session.startFresh({ seed: 1, now });
  session.handle({ type: 'connected', now });
  session.handle({ type: 'frame', now, text: JSON.stringify({ type: 'welcome', v: 1, sessionToken: 't', conversationId: 'c', lastSeq: 0, nextCseq: 1, state: 'with_agent', agentsOnline: true }) });
  let seq = 0;
  let events = 0;
  return {
    ns: 0n,
    events: 0,
    run(n) {
      const started = process.hrtime.bigint();
      for (let k = 0; k < n; k += 3) {
        now += 1;
        const effects = session.handle({ type: 'send_text', text: `visitor message ${events}`, now });
        const send = effects.find((effect) => effect.type === 'send');
        const text = send.frameText ?? JSON.stringify(send.frame);
        const cmidAt = text.indexOf('"cmid":"') + 8;
        const cseqAt = text.indexOf('"cseq":') + 7;
        const cmid = text.slice(cmidAt, text.indexOf('"', cmidAt));
        const cseq = Number.parseInt(text.slice(cseqAt), 10);
        seq += 1;
        session.handle({ type: 'frame', now, text: `{"type":"ack","cmid":"${cmid}","cseq":${cseq},"seq":${seq},"serverId":"c:${seq}"}` });
        seq += 1;
        session.handle({ type: 'frame', now, text: `{"type":"msg","seq":${seq},"serverId":"c:${seq}","author":"agent","text":"agent reply ${seq}","time":${now}}` });
        events += 3;
      }
      this.ns += process.hrtime.bigint() - started;
      this.events += n;
    },
  };
}
const a = await side(dirA);
const b = await side(dirB);
for (const s of [a, b]) {
  s.run(3000); // warm up
  s.ns = 0n;
  s.events = 0;
}
for (let done = 0; done < total; done += block) {
  const [first, second] = (done / block) % 2 === 0 ? [a, b] : [b, a];
  first.run(block);
  second.run(block);
}
const rate = (s) => Math.round(s.events / (Number(s.ns) / 1e9));
console.log(JSON.stringify({ a: dirA, b: dirB, eventsPerSide: a.events, aEventsPerSecond: rate(a), bEventsPerSecond: rate(b), ratio: Math.round(100 * rate(b) / rate(a)) / 100 }));
