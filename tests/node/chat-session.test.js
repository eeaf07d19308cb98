import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatSession, FaqEngine, KefuError, loadKefuCore, liveChatSessionCount } from '../../web/core/index.js';
import { unwrapCoreEffects } from '../../web/core/core-reply.js';
import { coreBuild, readRepoText } from './core-build.js';

const core = await loadKefuCore({ build: coreBuild });
const demoKb = readRepoText('shared/kb/demo.json');
const fixtures = JSON.parse(readRepoText('shared/protocol/fixtures.json'));

// The shell's side in miniature: a clock, the frames the core wants sent, storage.
function harness(options = {}) {
  const session = new ChatSession(core, { config: { siteId: 'demo' }, knowledgeBase: demoKb, ...options });
  const world = { now: 1_764_000_000_000, sent: [], snapshot: null, journal: [], notices: [] };
  world.take = (effects) => {
    for (const effect of effects) {
      if (effect.type === 'send') world.sent.push(effect.frame);
      if (effect.type === 'notify') world.notices.push(effect);
      if (effect.type === 'persist' && 'snapshot' in effect) [world.snapshot, world.journal] = [effect.snapshot, []];
      if (effect.type === 'persist' && 'append' in effect) world.journal.push(...effect.append);
    }
    return effects;
  };
  world.event = (event) => world.take(session.handle({ now: (world.now += 10), ...event }));
  world.server = (frame) => world.event({ type: 'frame', text: JSON.stringify(frame) });
  world.lastSent = (type) => world.sent.filter((frame) => frame.type === type).at(-1);
  world.welcome = (state = 'bot') => {
    world.event({ type: 'connected' });
    world.server({ type: 'welcome', v: 1, sessionToken: 't', conversationId: 'c', lastSeq: 0, nextCseq: 1, state, agentsOnline: true });
  };
  world.take(session.startFresh({ seed: 42, visitorId: 'visitor-1', now: world.now }));
  return { session, world };
}

test('a running session takes its knowledge from a binary index, and a broken one keeps what it had', () => {
  const trained = new FaqEngine(core, demoKb);
  const index = trained.exportIndex();
  trained.dispose();
  const { session, world } = harness({ knowledgeBase: undefined });
  world.welcome();
  world.event({ type: 'send_text', text: '忘记密码了怎么办' });
  assert.equal(session.view().messages.filter((m) => m.author === 'bot').length, 0, 'no KB: the question goes to people');

  assert.deepEqual(session.loadIndex(index), { entries: JSON.parse(demoKb).faqs.length });
  world.event({ type: 'send_text', text: '忘记密码了怎么办' });
  assert.equal(session.view().messages.at(-1).tier, 'answer');
  assert.equal(session.suggest('忘记密码', { k: 1 }).length, 1);

  const corrupt = index.slice();
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.throws(() => session.loadIndex(corrupt), (error) => error instanceof KefuError && error.code === 'kb_index_corrupt');
  assert.throws(() => session.loadIndex('not bytes'), (error) => error.code === 'invalid_argument');
  world.event({ type: 'send_text', text: '怎么退款' });
  assert.equal(session.view().messages.at(-1).tier, 'answer', 'the loaded index still answers');
  session.dispose();
});

test('a whole conversation through the wasm core: bot answer, suggestion, hand-off, agent, end, rating', () => {
  const { session, world } = harness();
  world.welcome();
  assert.equal(world.sent[0].type, 'hello');

  world.event({ type: 'send_text', text: '忘记密码了怎么办' });
  let view = session.view();
  assert.equal(view.messages.at(-1).author, 'bot');
  assert.equal(view.messages.at(-1).tier, 'answer');
  const question = world.lastSent('message');
  assert.equal(question.bot.faqId, 'reset-password');
  world.server({ type: 'ack', cmid: question.cmid, cseq: question.cseq, seq: 1, serverId: 'c:1' });
  world.server({ type: 'msg', seq: 2, serverId: 'c:2', author: 'bot', text: view.messages.at(-1).text, time: 1, replyTo: question.cmid });
  view = session.view();
  assert.equal(view.messages.length, 2, 'the server copy of the bot reply replaces the local one');
  assert.equal(view.messages[0].delivery, 'delivered');

  // A bare keyword two FAQs share (付款: payment methods, payment failed) is too vague to
  // answer outright; the visitor then picks one of the offered questions.
  world.event({ type: 'send_text', text: '付款' });
  const suggested = session.view().messages.at(-1);
  assert.equal(suggested.tier, 'suggest');
  assert.ok(suggested.suggestions.length > 0);
  world.event({ type: 'choose_suggestion', faqId: suggested.suggestions[0].faqId });
  const chosen = session.view().messages.slice(-2);
  assert.deepEqual(chosen.map((m) => [m.author, m.tier]), [['visitor', undefined], ['bot', 'answer']]);
  assert.equal(world.lastSent('message').bot.faqId, suggested.suggestions[0].faqId);

  world.event({ type: 'request_handoff' });
  assert.equal(session.view().phase, 'handoff_requested');
  assert.equal(world.lastSent('handoff').reason, 'visitor');
  assert.ok(world.notices.some((notice) => notice.event === 'handoff'));
  world.server({ type: 'event', event: 'queued', position: 1, etaSeconds: 30 });
  world.server({ type: 'event', event: 'agent_joined', name: '小李' });
  world.server({ type: 'msg', seq: 3, serverId: 'c:3', author: 'agent', text: '您好，我是小李', time: 2 });
  view = session.view();
  assert.equal(view.phase, 'with_agent');
  assert.equal(view.agent.name, '小李');
  assert.equal(view.unread, 1);
  assert.ok(world.notices.some((notice) => notice.event === 'message' && notice.detail.text === '您好，我是小李'));

  world.event({ type: 'panel', open: true });
  assert.equal(session.view().unread, 0);
  assert.equal(world.lastSent('read').upToSeq, 3);

  world.server({ type: 'event', event: 'ended', by: 'agent' });
  world.server({ type: 'event', event: 'rating_requested' });
  assert.equal(session.view().ratingRequested, true);
  world.event({ type: 'rate', stars: 5, comment: '谢谢' });
  assert.equal(session.view().phase, 'rated');
  assert.deepEqual(world.lastSent('rate'), { type: 'rate', stars: 5, comment: '谢谢' });
  session.dispose();
});

test('what the shell stored restores the session after a reload', () => {
  const { session, world } = harness();
  world.event({ type: 'send_text', text: '断网时发的' });
  session.dispose();
  const reloaded = new ChatSession(core, { config: { siteId: 'demo' }, knowledgeBase: demoKb });
  const { restoreError } = reloaded.restore({ snapshot: world.snapshot, journal: world.journal, now: world.now + 5000 });
  assert.equal(restoreError, null);
  assert.equal(reloaded.view().messages[0].text, '断网时发的');
  assert.equal(reloaded.view().visitorId, 'visitor-1');
  const broken = reloaded.restore({ snapshot: '{"kefuSession": 1, "vis', journal: [] });
  assert.equal(broken.restoreError.code, 'snapshot_corrupt');
  assert.deepEqual(reloaded.view().messages, []);
  reloaded.dispose();
});

test('a bot answer in the view carries its FAQ id, also after a reload (the widget shows the locale\'s text by it)', () => {
  const { session, world } = harness();
  world.welcome();
  world.event({ type: 'send_text', text: '忘记密码了怎么办' });
  world.event({ type: 'send_text', text: '付款' });
  world.event({ type: 'choose_suggestion', faqId: session.view().messages.at(-1).suggestions[0].faqId });
  const answers = (view) => view.messages.filter((m) => m.author === 'bot').map((m) => [m.tier, m.faqId]);
  const expected = [['answer', 'reset-password'], ['suggest', undefined], ['answer', world.lastSent('message').bot.faqId]];
  assert.deepEqual(answers(session.view()), expected);
  session.dispose();
  const reloaded = new ChatSession(core, { config: { siteId: 'demo' }, knowledgeBase: demoKb });
  reloaded.restore({ snapshot: world.snapshot, journal: world.journal, now: world.now + 5000 });
  assert.deepEqual(answers(reloaded.view()), expected);
  reloaded.dispose();
});

test('new_conversation after the end: the next hello has no token, numbering starts again, the old messages stay above a divider, also after a reload', () => {
  const { session, world } = harness();
  world.welcome();
  assert.throws(() => world.event({ type: 'new_conversation' }), (error) => error.code === 'invalid_in_state');
  world.event({ type: 'send_text', text: '忘记密码了怎么办' });
  const question = world.lastSent('message');
  world.server({ type: 'ack', cmid: question.cmid, cseq: question.cseq, seq: 1, serverId: 'c:1' });
  world.event({ type: 'request_handoff' });
  world.server({ type: 'event', event: 'agent_joined', name: '小李' });
  world.server({ type: 'msg', seq: 7, serverId: 'c:7', author: 'agent', text: '还有问题吗', time: 3 });
  world.server({ type: 'event', event: 'ended', by: 'agent' });
  const old = session.view().messages.map((m) => [m.author, m.text]);

  const effects = world.event({ type: 'new_conversation' });
  assert.deepEqual(effects.filter((e) => e.type === 'disconnect' || e.type === 'connect').map((e) => e.type), ['disconnect', 'connect']);
  assert.ok(effects.some((e) => e.type === 'persist' && 'snapshot' in e), 'a snapshot replaces the old journal');
  const view = session.view();
  assert.equal(view.phase, 'bot');
  assert.deepEqual(view.messages.slice(0, -1).map((m) => [m.author, m.text]), old);
  assert.equal(view.messages.at(-1).author, 'divider');

  const helloAfter = (target) => {
    target.sent.length = 0;
    target.event({ type: 'connected' });
    return target.lastSent('hello');
  };
  const hello = helloAfter(world);
  assert.equal(hello.sessionToken, null);
  assert.equal(hello.lastSeq, 0);
  world.server({ type: 'welcome', v: 1, sessionToken: 't2', conversationId: 'c2', lastSeq: 0, nextCseq: 1, state: 'bot', agentsOnline: true });
  world.event({ type: 'send_text', text: '怎么开发票' });
  const first = world.lastSent('message');
  assert.equal(first.cseq, 1, 'the new conversation numbers from 1');
  world.server({ type: 'ack', cmid: first.cmid, cseq: 1, seq: 1, serverId: 'c2:1' });
  world.server({ type: 'msg', seq: 2, serverId: 'c2:2', author: 'agent', text: '新的对话你好', time: 9 });
  const shown = session.view().messages.map((m) => [m.author, m.text]);
  assert.deepEqual(shown.at(-1), ['agent', '新的对话你好'], 'seq 2 of the new conversation is not taken for an old one');
  session.dispose();

  const reloaded = new ChatSession(core, { config: { siteId: 'demo' }, knowledgeBase: demoKb });
  reloaded.restore({ snapshot: world.snapshot, journal: world.journal, now: world.now + 5000 });
  assert.deepEqual(reloaded.view().messages.map((m) => [m.author, m.text]), shown);
  const again = { sent: [], now: world.now + 6000 };
  again.event = (event) => {
    for (const effect of reloaded.handle({ now: (again.now += 10), ...event })) if (effect.type === 'send') again.sent.push(effect.frame);
  };
  again.lastSent = (type) => again.sent.filter((frame) => frame.type === type).at(-1);
  const resumed = helloAfter(again);
  assert.equal(resumed.sessionToken, 't2');
  assert.equal(resumed.lastSeq, 2);
  reloaded.handle({ type: 'frame', text: JSON.stringify({ type: 'welcome', v: 1, sessionToken: 't2', conversationId: 'c2', lastSeq: 2, nextCseq: 2, state: 'bot', agentsOnline: true }), now: again.now + 10 });
  again.event({ type: 'send_text', text: '再问一个' });
  assert.equal(again.lastSent('message').cseq, 2);
  reloaded.dispose();
});

test('every example frame from shared/protocol is understood; every invalid one is rejected with its code', () => {
  for (const fixture of fixtures.valid.filter((f) => f.direction === 'toClient')) {
    const { session, world } = harness();
    world.welcome('with_agent');
    try {
      world.server(fixture.frame);
    } catch (error) {
      assert.ok(!error.code.startsWith('frame_'), `${fixture.name}: ${error.code} ${error.message}`);
    }
    session.dispose();
  }
  for (const fixture of fixtures.invalid.filter((f) => f.direction === 'toClient')) {
    const { session, world } = harness();
    world.welcome();
    const before = JSON.stringify(session.view());
    assert.throws(() => world.event({ type: 'frame', text: fixture.text }), (error) => error instanceof KefuError && error.code === fixture.error, fixture.name);
    assert.equal(JSON.stringify(session.view()), before, `${fixture.name} changed the session`);
    session.dispose();
  }
});

test('frames take a shorter path into the core; a bad time or frame is still a KefuError', () => {
  const { session, world } = harness();
  world.welcome('with_agent');
  const agentSays = (seq) => JSON.stringify({ type: 'msg', seq, serverId: `c:${seq}`, author: 'agent', text: `第${seq}条`, time: 1 });
  assert.throws(() => session.handle({ type: 'frame', text: agentSays(1), now: Number.NaN }), (error) => error.code === 'invalid_event');
  assert.throws(() => session.handle({ type: 'frame', text: '{"type":', now: world.now }), (error) => error.code === 'frame_invalid_json');
  assert.throws(() => session.handle({ type: 'frame', text: agentSays(1), now: 'soon' }), (error) => error.code === 'invalid_event');
  assert.equal(session.view().messages.length, 0, 'a rejected frame changes nothing');
  world.take(session.handle({ type: 'frame', text: agentSays(1), now: world.now }));
  world.take(session.handle({ type: 'frame', text: agentSays(2) })); // now defaults to the clock
  world.take(session.handle({ type: 'frame', text: agentSays(2), now: world.now })); // a duplicate
  assert.deepEqual(session.view().messages.map((m) => m.text), ['第1条', '第2条']);
});

test('effects keep their documented shapes: a send carries its text, an agent message brings message and unread notices', () => {
  const { session, world } = harness();
  world.welcome('with_agent');
  const effects = world.event({ type: 'send_text', text: '第一句 "quoted"\nnext line' });
  const send = effects.find((effect) => effect.type === 'send');
  assert.equal(typeof send.frameText, 'string');
  assert.deepEqual(JSON.parse(send.frameText), send.frame, 'frame is frameText parsed');
  assert.equal(send.frame, send.frame, 'parsed once');
  assert.equal(send.frame.text, '第一句 "quoted"\nnext line');
  assert.deepEqual(JSON.parse(JSON.stringify(send)), { type: 'send', frame: send.frame }, 'serialised as {type, frame}');
  const append = effects.find((effect) => effect.type === 'persist');
  assert.ok(append.append.length >= 2 && append.append.every((record) => typeof JSON.parse(record).k === 'string'));
  assert.ok(effects.some((effect) => effect.type === 'wake' && Number.isSafeInteger(effect.at) && effect.at > world.now));
  assert.ok(effects.some((effect) => effect.type === 'render'));

  const notices = world.server({ type: 'msg', seq: 1, serverId: 'c:1', author: 'agent', text: '你好', time: 1 }).filter((effect) => effect.type === 'notify');
  assert.deepEqual(notices, [
    { type: 'notify', event: 'message', detail: { author: 'agent', seq: 1, text: '你好' } },
    { type: 'notify', event: 'unread', detail: { count: 1 } },
  ]);
});

test('a reply the wrapper cannot read is a core_bad_reply KefuError, never a wrong effect', () => {
  const bad = ['\nx', '\na2\n{"k":"out"}', '\nw', '\nw12x', '\nu', '\nnmessage', '\nnmessage {not json', 'not json'];
  for (const reply of bad) {
    assert.throws(() => unwrapCoreEffects(reply), (error) => error instanceof KefuError && error.code === 'core_bad_reply', JSON.stringify(reply));
  }
  assert.throws(() => unwrapCoreEffects('{"ok":false,"error":{"code":"text_empty","message":"m"}}'), (error) => error.code === 'text_empty');
  assert.deepEqual(unwrapCoreEffects(''), []);
  assert.deepEqual(unwrapCoreEffects('\np\n{"snapshot":1}\nu3\nc\nd'), [
    { type: 'persist', snapshot: '{"snapshot":1}' },
    { type: 'notify', event: 'unread', detail: { count: 3 } },
    { type: 'connect' },
    { type: 'disconnect' },
  ]);
});

test("typeahead comes from the session's own knowledge base; none without one", () => {
  const { session } = harness();
  const typed = session.suggest('忘记', { k: 3 });
  assert.ok(typed.length >= 1 && typed.length <= 3);
  assert.ok(typed.some((s) => s.question.includes('密码')), JSON.stringify(typed));
  assert.deepEqual(Object.keys(typed[0]).sort(), ['id', 'question']);
  assert.throws(() => session.suggest(42), (error) => error.code === 'invalid_argument');
  assert.throws(() => session.suggest('x', { k: 0 }), (error) => error.code === 'invalid_argument');
  assert.throws(() => session.suggest('x'.repeat(4001)), (error) => error.code === 'query_too_long');
  const withoutKb = new ChatSession(core, { config: { siteId: 'demo' } });
  assert.deepEqual(withoutKb.suggest('忘记'), []);
  withoutKb.dispose();
  session.dispose();
});

test('rejected events throw KefuErrors and the session keeps working', () => {
  const { session, world } = harness();
  assert.throws(() => world.event({ type: 'rate', stars: 5 }), (error) => error.code === 'invalid_in_state');
  assert.throws(() => world.event({ type: 'send_text', text: 'x'.repeat(4001) }), (error) => error.code === 'text_too_long');
  assert.throws(() => session.handle({ type: 'explode' }), (error) => error.code === 'invalid_event');
  assert.throws(() => session.handle(null), (error) => error.code === 'invalid_argument');
  assert.throws(() => new ChatSession(core, { knowledgeBase: '{bad' }), (error) => error.code === 'kb_invalid_json');
  world.event({ type: 'send_text', text: 'still fine' });
  assert.equal(session.view().messages[0].text, 'still fine');
  const before = liveChatSessionCount();
  session.dispose();
  session.dispose();
  assert.equal(liveChatSessionCount(), before - 1);
  assert.throws(() => session.view(), (error) => error.code === 'disposed');
});
