// The storage contract: every test here runs against both stores, LevelDB
// (conversation-store.js) and PostgreSQL (postgres-store.js, on a server this file
// starts; its tests are skipped, saying why, when none can start).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversationStore } from '../../server/store/conversation-store.js';
import { PostgresStore } from '../../server/store/postgres-store.js';
import { PostgresServer } from './helpers/postgres-server.js';

const postgres = await PostgresServer.start();
after(() => (postgres instanceof Error ? undefined : postgres.stop()));

// Each kind makes a fresh place to store in; `open()` opens a store on it (again after a
// close, or a second one beside the first where the engine allows several writers).
const KINDS = [
  {
    name: 'LevelDB',
    skip: false,
    severalWriters: false,
    place() {
      const dir = mkdtempSync(join(tmpdir(), 'kefu-contract-'));
      return { open: () => ConversationStore.open(dir, { durability: 'committed' }), remove: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgres instanceof Error ? `no PostgreSQL server: ${postgres.message}` : false,
    severalWriters: true,
    async place() {
      const url = await postgres.createDatabase();
      return { open: () => PostgresStore.open(url), remove: () => {} };
    },
  },
];

for (const kind of KINDS) {
  describe(`${kind.name} store`, { skip: kind.skip }, () => {
    // A fresh place and a store on it for `body(store, place)`; both go afterwards.
    const withStore = async (body) => {
      const place = await kind.place();
      const store = await place.open();
      try {
        await body(store, place);
      } finally {
        await store.close();
        place.remove();
      }
    };
    const visitorMessage = (cmid, fields = {}) => ({ cmid, text: `text of ${cmid}`, clientTime: 1, now: 2, ...fields });

    test('visitor messages get consecutive seqs; a repeated cmid returns the original ack', () => withStore(async (store) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      const first = await store.appendVisitorMessage(conversation.id, { cmid: 'c1', text: '你好', clientTime: 1, now: 2 });
      const bot = await store.appendServerMessage(conversation.id, { author: 'bot', text: 'hi', now: 3 });
      const again = await store.appendVisitorMessage(conversation.id, { cmid: 'c1', text: '你好', clientTime: 1, now: 9 });
      assert.deepEqual([first.seq, bot.seq], [1, 2]);
      assert.deepEqual(again, { seq: 1, serverId: first.serverId, duplicate: true });
      assert.deepEqual((await store.messagesAfter(conversation.id, 0)).map((m) => [m.seq, m.author, m.text]), [[1, 'visitor', '你好'], [2, 'bot', 'hi']]);
      assert.deepEqual((await store.messagesAfter(conversation.id, 1)).map((m) => m.seq), [2]);
      assert.deepEqual((await store.messagesAfter(conversation.id, 0, 1)).map((m) => m.seq), [1]);
      assert.equal((await store.getConversation(conversation.id)).lastSeq, 2);
    }));

    test('dedup survives closing and reopening the store', async () => {
      const place = await kind.place();
      let store = await place.open();
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1, sessionToken: 'token-1' });
      const first = await store.appendVisitorMessage(conversation.id, visitorMessage('c1'));
      await store.close();
      store = await place.open();
      const retry = await store.appendVisitorMessage(conversation.id, visitorMessage('c1', { now: 86_400_000 * 3 }));
      assert.deepEqual(retry, { seq: first.seq, serverId: first.serverId, duplicate: true });
      assert.equal((await store.messagesAfter(conversation.id, 0)).length, 1);
      assert.equal(await store.conversationIdForToken('token-1'), conversation.id);
      assert.equal(await store.conversationIdForToken('token-2'), null);
      await store.close();
      place.remove();
    });

    test('a bot reply is stored right after the message it answers, and returned with the ack', () => withStore(async (store) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      const ack = await store.appendVisitorMessage(conversation.id, visitorMessage('c1', { botReply: { text: '答案', tier: 'answer', faqId: 'f1' } }));
      assert.equal(ack.seq, 1);
      assert.deepEqual([ack.reply.seq, ack.reply.author, ack.reply.replyTo, ack.reply.meta], [2, 'bot', 'c1', { tier: 'answer', faqId: 'f1' }]);
      assert.deepEqual((await store.messagesAfter(conversation.id, 0)).map((m) => m.author), ['visitor', 'bot']);
    }));

    test('the expected cseq per client epoch: out of order is refused, in order advances, an adopted epoch takes any first cseq', () => withStore(async (store) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      assert.equal(await store.expectedCseq(conversation.id, 'e1'), 1);
      assert.deepEqual(await store.appendVisitorMessage(conversation.id, visitorMessage('c2', { cseq: 2, epoch: 'e1' })), { expectedCseq: 1 });
      assert.equal((await store.appendVisitorMessage(conversation.id, visitorMessage('c1', { cseq: 1, epoch: 'e1' }))).seq, 1);
      assert.equal(await store.expectedCseq(conversation.id, 'e1'), 2);
      assert.equal(await store.expectedCseq(conversation.id, 'e2'), 1, 'each epoch counts on its own');
      assert.equal((await store.messagesAfter(conversation.id, 0)).length, 1, 'a refused message is not stored');

      const adopted = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1, adoptCseqOf: 'e1' });
      assert.equal(await store.expectedCseq(adopted.id, 'e1'), null);
      assert.equal((await store.appendVisitorMessage(adopted.id, visitorMessage('c7', { cseq: 7, epoch: 'e1' }))).seq, 1);
      assert.equal(await store.expectedCseq(adopted.id, 'e1'), 8);
    }));

    test('concurrent appends to one conversation get every seq once, in one sequence with the server messages', () => withStore(async (store, place) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      // A second writer on the same data where the engine allows it (several servers on one PostgreSQL).
      const other = kind.severalWriters ? await place.open() : store;
      try {
        const writes = [];
        for (let i = 0; i < 40; i += 1) {
          const writer = i % 2 === 0 ? store : other;
          writes.push(writer.appendVisitorMessage(conversation.id, visitorMessage(`c${i}`)));
          writes.push(writer.appendVisitorMessage(conversation.id, visitorMessage(`c${i}`))); // the same frame, retried at once
          if (i % 10 === 0) writes.push(writer.appendServerMessage(conversation.id, { author: 'agent', text: `agent ${i}`, now: 3 }));
        }
        const acks = await Promise.all(writes);
        const stored = await store.messagesAfter(conversation.id, 0);
        assert.deepEqual(stored.map((m) => m.seq), stored.map((_, i) => i + 1), 'gap-free, no seq twice');
        assert.equal(stored.length, 44);
        assert.equal(new Set(stored.filter((m) => m.author === 'visitor').map((m) => m.cmid)).size, 40, 'each cmid stored once');
        const bySeq = new Map(stored.map((m) => [m.seq, m]));
        for (const ack of acks.filter((a) => a.duplicate !== undefined)) assert.equal(bySeq.get(ack.seq).serverId, ack.serverId);
        assert.equal(acks.filter((a) => a.duplicate === true).length, 40, 'each retry got the original ack');
        assert.equal((await other.getConversation(conversation.id)).lastSeq, 44);
      } finally {
        if (other !== store) await other.close();
      }
    }));

    test('claims: of concurrent claims on one waiting conversation, from several writers, exactly one wins', () => withStore(async (store, place) => {
      const other = kind.severalWriters ? await place.open() : store;
      try {
        const waiting = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
        await store.updateConversation(waiting.id, { state: 'queued', queuedAt: 5 });
        const claims = await Promise.all(['ann', 'bo', 'ann', 'cy', 'bo', 'ann'].map((agentId, i) => (i % 2 ? other : store).claimConversation(waiting.id, { agentId, agentName: `${agentId}'s name`, now: 10 + i })));
        const won = claims.filter((claim) => claim.conversation);
        assert.equal(won.length, 1, 'the visitor is assigned once');
        assert.deepEqual(claims.filter((claim) => claim.error).map((claim) => claim.error), Array(5).fill('not_waiting'));
        const stored = await other.getConversation(waiting.id);
        assert.equal(stored.state, 'with_agent');
        assert.equal(stored.agentId, won[0].conversation.agentId);
        assert.equal(stored.agentName, `${stored.agentId}'s name`);
        assert.equal(stored.acceptedAt, won[0].conversation.acceptedAt);
        assert.deepEqual(await store.claimConversation('no-such-id', { agentId: 'ann', agentName: 'Ann', now: 1 }), { error: 'unknown_conversation' });
        const fresh = await store.createConversation({ siteId: 's', visitorId: 'w', now: 1 });
        assert.deepEqual(await store.claimConversation(fresh.id, { agentId: 'ann', agentName: 'Ann', now: 1 }), { error: 'not_waiting' }, 'a conversation with the bot is not waiting');
      } finally {
        if (other !== store) await other.close();
      }
    }));

    test('claims: a transfer takes the conversation from the agent expected only, keeps acceptedAt and adds the note', () => withStore(async (store, place) => {
      const other = kind.severalWriters ? await place.open() : store;
      try {
        const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
        await store.updateConversation(conversation.id, { state: 'queued', queuedAt: 2 });
        await store.claimConversation(conversation.id, { agentId: 'ann', agentName: 'Ann', now: 3 });
        const note = { text: 'billing question', toAgentId: 'bo' };
        const transfers = await Promise.all([store, other].map((writer, i) => writer.claimConversation(conversation.id, { agentId: i ? 'cy' : 'bo', agentName: 'X', now: 8, expected: { state: 'with_agent', agentId: 'ann' }, note })));
        assert.equal(transfers.filter((claim) => claim.conversation).length, 1, 'one transfer wins');
        const stored = await other.getConversation(conversation.id);
        assert.equal(stored.acceptedAt, 3, 'a transfer keeps the first acceptedAt');
        assert.deepEqual(stored.notes, [note]);
        assert.deepEqual(await store.claimConversation(conversation.id, { agentId: 'dee', agentName: 'Dee', now: 9, expected: { state: 'with_agent', agentId: 'ann' } }), { error: 'not_waiting' }, 'ann holds it no more');
      } finally {
        if (other !== store) await other.close();
      }
    }));

    test('claims: an agent\'s limit holds under concurrent claims from several writers', () => withStore(async (store, place) => {
      const other = kind.severalWriters ? await place.open() : store;
      try {
        const ids = [];
        for (let i = 0; i < 6; i += 1) {
          const conversation = await store.createConversation({ siteId: 's', visitorId: `v${i}`, now: i });
          await store.updateConversation(conversation.id, { state: 'queued', queuedAt: i });
          ids.push(conversation.id);
        }
        const claims = await Promise.all(ids.map((id, i) => (i % 2 ? other : store).claimConversation(id, { agentId: 'ann', agentName: 'Li', now: 9, limit: 2 })));
        assert.equal(claims.filter((claim) => claim.conversation).length, 2, 'two of six, not more');
        assert.deepEqual(claims.filter((claim) => claim.error).map((claim) => claim.error), Array(4).fill('agent_at_limit'));
        // Another account is not counted against ann's limit, even under the same display name.
        const free = ids.find((_, i) => claims[i].error);
        assert.equal((await other.claimConversation(free, { agentId: 'bo', agentName: 'Li', now: 9, limit: 2 })).conversation.agentId, 'bo');
        const queued = await store.queuedConversations();
        assert.equal(queued.length, 3);
        assert.deepEqual(queued.map((c) => c.queuedAt), [...queued.map((c) => c.queuedAt)].sort((a, b) => a - b), 'longest waiting first');
      } finally {
        if (other !== store) await other.close();
      }
    }));

    test('conversation records: update merges fields, listing returns them all', () => withStore(async (store) => {
      const a = await store.createConversation({ siteId: 's', visitorId: 'a', now: 1, identity: { id: 'u1' } });
      const b = await store.createConversation({ siteId: 's', visitorId: 'b', now: 2 });
      await store.appendVisitorMessage(a.id, visitorMessage('c1'));
      const updated = await store.updateConversation(a.id, { state: 'queued', prechat: { name: '访客' } });
      assert.deepEqual([updated.state, updated.prechat, updated.identity, updated.lastSeq, updated.visitorId], ['queued', { name: '访客' }, { id: 'u1' }, 1, 'a']);
      assert.equal((await store.updateConversation(a.id, { state: 'assigned' })).prechat.name, '访客');
      assert.equal(await store.updateConversation('no-such-conversation', { state: 'queued' }), null);
      assert.equal(await store.getConversation('no-such-conversation'), null);
      const listed = [];
      for await (const conversation of store.conversations()) listed.push(conversation);
      assert.deepEqual(listed.map((c) => c.id), [a.id, b.id].sort());
      assert.equal(listed.find((c) => c.id === a.id).state, 'assigned');
    }));

    test('tickets: listed per site, a retried frame returns the original, status changes are kept', () => withStore(async (store) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      const ticket = await store.createTicket({ siteId: 's', visitorId: 'v', conversationId: null, message: '请回电', contact: 'a@b.c', now: 5 });
      await store.createTicket({ siteId: 'other', visitorId: 'v', conversationId: null, message: 'x', contact: '', now: 6 });
      assert.match(ticket.id, /^T/);
      const first = await store.createTicket({ siteId: 's', visitorId: 'v', conversationId: conversation.id, message: '留言', contact: '', now: 7, cmid: 'm1' });
      const retried = await store.createTicket({ siteId: 's', visitorId: 'v', conversationId: conversation.id, message: '留言', contact: '', now: 8, cmid: 'm1' });
      assert.equal(first.duplicate, false);
      assert.deepEqual(retried, { ticket: first.ticket, duplicate: true });
      assert.deepEqual((await store.tickets('s')).map((t) => t.message).sort(), ['留言', '请回电']);
      const handled = await store.setTicketStatus(ticket.id, 'handled', { by: 'Alice', now: 9 });
      assert.deepEqual([handled.status, handled.handledBy, handled.handledAt, handled.message], ['handled', 'Alice', 9, '请回电']);
      assert.equal((await store.tickets('s')).find((t) => t.id === ticket.id).status, 'handled');
      assert.equal(await store.setTicketStatus('T-none', 'handled', { by: 'Alice', now: 9 }), null);
    }));

    test('ratings: one per conversation, the latest kept', () => withStore(async (store) => {
      await store.rate('conv-1', { stars: 3, comment: '', now: 6 });
      await store.rate('conv-1', { stars: 5, comment: '很好', now: 7 });
      assert.deepEqual(await store.ratings(), [{ conversationId: 'conv-1', stars: 5, comment: '很好', ratedAt: 7 }]);
    }));

    // ---- the agent console ----
    test('tickets: updates merge status, priority, assignee and notes; an unknown ticket is null', () => withStore(async (store) => {
      const ticket = await store.createTicket({ siteId: 's', visitorId: 'v', conversationId: null, message: '请回电', contact: '', now: 5 });
      await store.updateTicket(ticket.id, { status: 'pending', priority: 'high' });
      const updated = await store.updateTicket(ticket.id, { assignee: { kind: 'team', name: '售后' }, notes: [{ by: 'Alice', text: '已联系', at: 6 }] });
      assert.deepEqual([updated.id, updated.status, updated.priority, updated.assignee.name, updated.notes[0].text, updated.message], [ticket.id, 'pending', 'high', '售后', '已联系', '请回电']);
      assert.deepEqual((await store.tickets('s'))[0], updated);
      assert.equal(await store.updateTicket('T-none', { status: 'solved' }), null);
    }));

    test('notes: kept per conversation apart from its messages, oldest first', () => withStore(async (store) => {
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      const other = await store.createConversation({ siteId: 's', visitorId: 'w', now: 1 });
      await store.addNote(conversation.id, { text: 'VIP 客户', by: 'Alice', now: 20 });
      await store.addNote(conversation.id, { text: '已退款', by: 'Bob', now: 30 });
      await store.addNote(other.id, { text: 'other', by: 'Bob', now: 25 });
      assert.deepEqual((await store.notes(conversation.id)).map((n) => [n.text, n.by, n.createdAt]), [['VIP 客户', 'Alice', 20], ['已退款', 'Bob', 30]]);
      assert.deepEqual(await store.messagesAfter(conversation.id, 0), [], 'a note is not a message');
      assert.equal((await store.getConversation(conversation.id)).lastSeq, 0);
    }));

    test('canned replies: per team, replaced by shortcut, deleted', () => withStore(async (store) => {
      await store.saveCannedReply({ team: 'sales', shortcut: 'hi', text: '您好 {visitor.name}' });
      await store.saveCannedReply({ team: 'sales', shortcut: 'bye', text: '再见' });
      await store.saveCannedReply({ team: 'support', shortcut: 'hi', text: 'Hello' });
      await store.saveCannedReply({ team: 'sales', shortcut: 'hi', text: '您好，{visitor.name}！' });
      assert.deepEqual((await store.cannedReplies('sales')).map((r) => [r.shortcut, r.text]), [['bye', '再见'], ['hi', '您好，{visitor.name}！']]);
      assert.equal(await store.deleteCannedReply('sales', 'bye'), true);
      assert.equal(await store.deleteCannedReply('sales', 'bye'), false);
      assert.deepEqual((await store.cannedReplies('sales')).map((r) => r.shortcut), ['hi']);
      assert.deepEqual((await store.cannedReplies('support')).map((r) => r.text), ['Hello']);
    }));

    test('attachments: stored once by hash, readable only by the conversations linked to them, after a reopen', async () => {
      const place = await kind.place();
      let store = await place.open();
      const first = await store.createConversation({ siteId: 's', visitorId: 'v1', now: 1 });
      const second = await store.createConversation({ siteId: 's', visitorId: 'v2', now: 1 });
      const stranger = await store.createConversation({ siteId: 's', visitorId: 'v3', now: 1 });
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      const hash = 'a'.repeat(64);
      await store.putAttachment({ conversationId: first.id, hash, type: 'image/png', size: bytes.length, bytes });
      await store.putAttachment({ conversationId: second.id, hash, type: 'image/png', size: bytes.length, bytes });
      await store.close();
      store = await place.open();
      for (const conversation of [first, second]) {
        const found = await store.attachmentFor(conversation.id, hash);
        assert.deepEqual({ ...found, bytes: Buffer.from(found.bytes) }, { type: 'image/png', size: 8, bytes });
      }
      assert.equal(await store.attachmentFor(stranger.id, hash), null, 'a conversation without the link reads nothing');
      assert.equal(await store.attachmentFor(first.id, 'b'.repeat(64)), null);
      await store.close();
      place.remove();
    });

    test('a hot-question group change is stored with its message, and not for a duplicate or a refused cseq', async () => {
      const place = await kind.place();
      let store = await place.open();
      const conversation = await store.createConversation({ siteId: 's', visitorId: 'v', now: 1 });
      let filings = 0;
      const file = (group, evicted = null) => () => {
        filings += 1;
        return { siteId: 's', group, evicted };
      };
      await store.appendVisitorMessage(conversation.id, visitorMessage('c1', { cseq: 1, epoch: 'e', fileHotQuestion: file({ number: 1, text: '发票' }) }));
      await store.appendVisitorMessage(conversation.id, visitorMessage('c2', { cseq: 2, epoch: 'e', fileHotQuestion: file({ number: 2, text: '退款' }) }));
      await store.appendVisitorMessage(conversation.id, visitorMessage('c2', { cseq: 2, epoch: 'e', fileHotQuestion: file({ number: 9, text: 'dup' }) }));
      await store.appendVisitorMessage(conversation.id, visitorMessage('c9', { cseq: 9, epoch: 'e', fileHotQuestion: file({ number: 9, text: 'refused' }) }));
      // Group 1 asked again (count 2) and group 2 evicted by group 3.
      await store.appendVisitorMessage(conversation.id, visitorMessage('c3', { cseq: 3, epoch: 'e', fileHotQuestion: file({ number: 1, text: '发票', count: 2 }) }));
      await store.appendVisitorMessage(conversation.id, visitorMessage('c4', { cseq: 4, epoch: 'e', fileHotQuestion: file({ number: 3, text: '密码' }, 2) }));
      await store.appendVisitorMessage(conversation.id, visitorMessage('c5', { cseq: 5, epoch: 'e', fileHotQuestion: () => null }));
      assert.equal(filings, 4, 'filed only for messages that are stored');
      await store.close();
      store = await place.open();
      const groups = [];
      for await (const entry of store.hotQuestionGroups()) groups.push(entry);
      assert.deepEqual(groups, [{ siteId: 's', group: { number: 1, text: '发票', count: 2 } }, { siteId: 's', group: { number: 3, text: '密码' } }]);
      await store.close();
      place.remove();
    });

    test('accounts: a username is taken once whatever its case, updates merge, all survive reopening', async () => {
      const place = await kind.place();
      let store = await place.open();
      const li = { id: 'a1', username: 'Li', displayName: '小李', role: 'agent', disabled: false };
      assert.deepEqual(await store.createAccount(li), li);
      const [again, other] = await Promise.all([store.createAccount({ ...li, id: 'a2', username: 'li' }), store.createAccount({ id: 'a3', username: 'wang', displayName: '老王', role: 'admin', disabled: false })]);
      assert.equal(again, null, 'a second "li" is refused');
      assert.equal(other.id, 'a3');
      const updated = await store.updateAccount('a1', { displayName: '李', disabled: true, username: 'renamed', id: 'x' });
      assert.deepEqual(updated, { ...li, displayName: '李', disabled: true });
      assert.equal(await store.updateAccount('nobody', { role: 'admin' }), null);
      await store.close();
      store = await place.open();
      assert.deepEqual(await store.getAccount('a1'), updated);
      assert.equal((await store.accountByUsername('LI')).id, 'a1');
      assert.equal(await store.accountByUsername('zhang'), null);
      assert.deepEqual((await store.accounts()).map((account) => account.id), ['a1', 'a3']);
      await store.close();
      place.remove();
    });

    test('console sessions: found by token hash, ended one by one or all of an account at once', () => withStore(async (store) => {
      for (const id of ['a1', 'a2']) await store.createAccount({ id, username: id, displayName: id, role: 'agent', disabled: false });
      const sessions = [['h1', 'a1'], ['h2', 'a1'], ['h3', 'a2']].map(([tokenHash, accountId]) => ({ tokenHash, accountId, createdAt: 1, expiresAt: 2 }));
      for (const session of sessions) await store.createSession(session);
      assert.deepEqual(await store.getSession('h1'), sessions[0]);
      await store.deleteSession('h1');
      assert.equal(await store.getSession('h1'), null);
      await store.deleteSessionsOf('a1');
      assert.equal(await store.getSession('h2'), null);
      assert.deepEqual(await store.getSession('h3'), sessions[2]);
    }));

    test('teams: stored whole, replaced by id, listed after reopening', async () => {
      const place = await kind.place();
      let store = await place.open();
      await store.putTeam({ id: 't1', name: 'Sales', siteIds: ['a'], pickFromQueue: false });
      await store.putTeam({ id: 't2', name: 'Support', siteIds: [], pickFromQueue: true });
      await store.putTeam({ id: 't1', name: 'Sales', siteIds: ['a', 'b'], pickFromQueue: false });
      await store.close();
      store = await place.open();
      assert.deepEqual(await store.teams(), [{ id: 't1', name: 'Sales', siteIds: ['a', 'b'], pickFromQueue: false }, { id: 't2', name: 'Support', siteIds: [], pickFromQueue: true }]);
      await store.close();
      place.remove();
    });

    test('KB proposals: per site, in filing order, replaced whole by id', () => withStore(async (store) => {
      const proposal = (id, siteId, status = 'pending') => ({ id, siteId, kind: 'similar', faqId: 'refund', question: `q ${id}`, status });
      await store.saveKbProposal(proposal('001', 'a'));
      await store.saveKbProposal(proposal('002', 'b'));
      await store.saveKbProposal(proposal('003', 'a'));
      await store.saveKbProposal(proposal('001', 'a', 'rejected'));
      assert.deepEqual((await store.kbProposals('a')).map((p) => [p.id, p.status]), [['001', 'rejected'], ['003', 'pending']]);
      assert.equal((await store.kbProposal('a', '003')).question, 'q 003');
      assert.equal(await store.kbProposal('b', '003'), null);
    }));

    test('KB drafts: one per site, replaced, deleted', () => withStore(async (store) => {
      assert.equal(await store.kbDraft('a'), null);
      await store.saveKbDraft('a', { kbJson: '{"faqs":[]}', by: 'x', at: 1 });
      await store.saveKbDraft('a', { kbJson: '{"faqs":[1]}', by: 'y', at: 2 });
      assert.deepEqual(await store.kbDraft('a'), { kbJson: '{"faqs":[1]}', by: 'y', at: 2 });
      assert.equal(await store.kbDraft('b'), null);
      await store.deleteKbDraft('a');
      assert.equal(await store.kbDraft('a'), null);
    }));

    test('KB versions: numbered per site from 1, listed newest first without their JSON, read back whole after reopening', async () => {
      const place = await kind.place();
      let store = await place.open();
      const first = await store.appendKbVersion('a', { kbJson: 'KB 1', version: 'v1', by: 'x', at: 1, action: 'publish' });
      await store.appendKbVersion('b', { kbJson: 'KB b', version: 'vb', by: 'x', at: 2, action: 'publish' });
      const second = await store.appendKbVersion('a', { kbJson: 'KB 2', version: 'v2', by: 'y', at: 3, action: 'rollback', of: 1 });
      assert.deepEqual([first.number, second.number], [1, 2]);
      assert.equal(second.kbJson, undefined);
      await store.close();
      store = await place.open();
      assert.deepEqual(await store.kbVersions('a'), [
        { version: 'v2', by: 'y', at: 3, action: 'rollback', of: 1, siteId: 'a', number: 2 },
        { version: 'v1', by: 'x', at: 1, action: 'publish', siteId: 'a', number: 1 },
      ]);
      assert.deepEqual((await store.kbVersions('a', { limit: 1 })).map((v) => v.number), [2]);
      assert.equal((await store.kbVersion('a', 1)).kbJson, 'KB 1');
      assert.equal(await store.kbVersion('a', 3), null);
      assert.equal(await store.kbVersion('b', 2), null);
      await store.close();
      place.remove();
    });

    test('KB versions: concurrent appends, from several writers, each get their own number', () => withStore(async (store, place) => {
      const other = kind.severalWriters ? await place.open() : store;
      try {
        const appended = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).appendKbVersion('a', { kbJson: `KB ${i}`, version: `v${i}`, by: 'x', at: i, action: 'publish' })));
        assert.deepEqual(appended.map((v) => v.number).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6]);
        for (const v of appended) assert.equal((await store.kbVersion('a', v.number)).kbJson, `KB ${v.version.slice(1)}`);
      } finally {
        if (other !== store) await other.close();
      }
    }));

    test('audit log: newest first, limited', () => withStore(async (store) => {
      for (const at of [5, 1, 9]) await store.appendAudit({ at, action: 'login', accountId: `a${at}` });
      assert.deepEqual((await store.auditLog()).map((entry) => entry.at), [9, 5, 1]);
      assert.deepEqual((await store.auditLog({ limit: 2 })).map((entry) => entry.at), [9, 5]);
    }));
  });
}
