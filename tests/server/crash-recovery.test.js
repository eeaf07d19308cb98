// `kill -9` the real server process (server/main.js) with messages in flight,
// restart it on the same data folder, resend what was not acknowledged with the same
// cmid and cseq: every acknowledged message is there exactly once, with the seq its ack
// named, and the conversation keeps the visitor's order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServerProcess } from '../../server/server-process.js';
import { SocketClient, helloVisitor } from './helpers/socket-client.js';

const TOTAL = 400;

const message = (cseq) => ({ type: 'message', cmid: `c-e-${cseq}`, cseq, text: `message ${cseq}`, clientTime: cseq });

test('kill -9 mid-stream, restart, resend the unacked: nothing acked is lost or doubled, order kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kefu-crash-'));
  const configPath = join(dir, 'config.json');
  // Default durability ('flushed'): an ack means the batch was fsynced.
  writeFileSync(configPath, JSON.stringify({ port: 0, dataDir: join(dir, 'db'), logLevel: 'error', limits: { visitorBurst: 2 * TOTAL, ipBurst: 2 * TOTAL }, sites: { demo: { businessHours: null } } }));
  try {
    const first = spawnServerProcess(configPath);
    const firstUrl = await first.ready;
    const client = await SocketClient.open(`${firstUrl.replace('http', 'ws')}/ws`, { origin: firstUrl });
    const welcome = await helloVisitor(client, { epoch: 'e' });
    const acks = new Map();
    for (let cseq = 1; cseq <= TOTAL; cseq += 1) client.send(message(cseq));
    while (acks.size < 60) {
      const ack = await client.next('ack', 10_000);
      acks.set(ack.cmid, ack);
    }
    first.child.kill('SIGKILL');
    await client.closed;
    // Acks already on the wire when the process died still count: they were committed.
    for (const frame of client.drain()) if (frame.type === 'ack') acks.set(frame.cmid, frame);
    assert.ok(acks.size < TOTAL, 'the kill came with messages still in flight');

    const second = spawnServerProcess(configPath);
    const secondUrl = await second.ready;
    try {
      const again = await SocketClient.open(`${secondUrl.replace('http', 'ws')}/ws`, { origin: secondUrl });
      const resumed = await helloVisitor(again, { epoch: 'e', sessionToken: welcome.sessionToken, lastSeq: 0 });
      assert.equal(resumed.conversationId, welcome.conversationId);
      assert.ok(resumed.nextCseq >= acks.size + 1, 'every acked message is counted in the expected cseq');
      // The client resends everything it holds without an ack, oldest first, same cmid and cseq.
      const unacked = [];
      for (let cseq = 1; cseq <= TOTAL; cseq += 1) if (!acks.has(`c-e-${cseq}`)) unacked.push(cseq);
      for (const cseq of unacked) again.send(message(cseq));
      for (let i = 0; i < unacked.length; i += 1) {
        const reply = await again.next((f) => f.type === 'ack' || f.type === 'nack', 10_000);
        assert.equal(reply.type, 'ack', JSON.stringify(reply));
      }
      // A late retry of an acked message still gets its original ack.
      const [someCmid, someAck] = [...acks][0];
      assert.deepEqual(await again.request(message(Number(someCmid.split('-').at(-1))), 'ack'), someAck);

      const stored = [];
      for (let afterSeq = 0, more = true; more; ) {
        const page = await again.request({ type: 'resync', afterSeq }, 'resync');
        stored.push(...page.messages);
        more = page.more;
        afterSeq = page.messages.at(-1)?.seq ?? afterSeq;
      }
      assert.deepEqual(stored.map((m) => m.cmid), Array.from({ length: TOTAL }, (_, i) => `c-e-${i + 1}`), 'each message once, in the order sent');
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: TOTAL }, (_, i) => i + 1), 'seqs stay gap-free');
      for (const [cmid, ack] of acks) assert.equal(stored[ack.seq - 1].cmid, cmid, `the ack for ${cmid} named its seq`);
      await again.close();
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
