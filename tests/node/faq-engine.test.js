import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { FaqEngine, KefuError, loadKefuCore, liveFaqEngineCount } from '../../web/core/index.js';
import { coreBuild, readRepoText } from './core-build.js';

const demoKb = readRepoText('shared/kb/demo.json');
const core = await loadKefuCore({ build: coreBuild });

function assertKefuError(fn, code) {
  assert.throws(fn, (error) => error instanceof KefuError && error.code === code);
}

test('the sample KB answers Chinese and English questions through the wasm core', () => {
  const engine = new FaqEngine(core, demoKb);
  try {
    assert.equal(engine.stats.entries, JSON.parse(demoKb).faqs.length);
    const zh = engine.match('忘记密码了怎么办');
    assert.equal(zh.tier, 'answer');
    assert.equal(zh.candidates[0].id, 'reset-password');
    assert.match(zh.candidates[0].answer, /忘记密码/);
    assert.equal(engine.match('How can I get a refund?').candidates[0].id, 'refund');
    assert.equal(engine.match('量子力学的基本假设').tier, 'handoff');
    assert.ok(engine.match('密码', { k: 2 }).candidates.length <= 2);
  } finally {
    engine.dispose();
  }
});

test('a KB can be passed as an object', () => {
  const engine = new FaqEngine(core, { faqs: [{ id: 'hours', question: 'opening hours', answer: '9 to 5' }] });
  assert.equal(engine.match('what are the opening hours').candidates[0].answer, '9 to 5');
  engine.dispose();
});

test('malformed or oversized KBs are KefuErrors and the engine keeps its previous KB', () => {
  const engine = new FaqEngine(core, demoKb);
  assertKefuError(() => engine.load('{"faqs": [ {'), 'kb_invalid_json');
  assertKefuError(() => engine.load(demoKb, { limits: { maxBytes: 100 } }), 'kb_too_large');
  assertKefuError(() => engine.load({ faqs: [{ id: 'a', question: 'q', answer: 'a' }, { id: 'a', question: 'r', answer: 'b' }] }), 'kb_duplicate_id');
  assertKefuError(() => engine.load({ faqs: [{ id: 'a', question: 3, answer: 'a' }] }), 'kb_invalid_entry');
  assertKefuError(() => engine.load({ faqs: 'none' }), 'kb_invalid_shape');
  assert.equal(engine.match('怎么退款').candidates[0].id, 'refund');
  engine.dispose();
});

test('a failed construction throws and leaves no wasm memory behind', () => {
  const before = liveFaqEngineCount();
  assertKefuError(() => new FaqEngine(core, 'not json'), 'kb_invalid_json');
  assert.equal(liveFaqEngineCount(), before);
});

test('bad arguments are KefuErrors: wrong types, out-of-range k, over-long questions', () => {
  const engine = new FaqEngine(core, demoKb);
  assertKefuError(() => engine.match(42), 'invalid_argument');
  assertKefuError(() => engine.match('hi', { k: 0 }), 'invalid_argument');
  assertKefuError(() => engine.match('hi', { k: 1.5 }), 'invalid_argument');
  assertKefuError(() => engine.match('x'.repeat(4001)), 'query_too_long');
  engine.dispose();
});

test('a thousand hostile inputs never abort the module', () => {
  const engine = new FaqEngine(core, demoKb);
  let seed = 7;
  const nextByte = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
  for (let round = 0; round < 1000; round += 1) {
    const junk = String.fromCharCode(...Array.from({ length: 1 + (round % 64) }, () => nextByte() * (round % 3 === 0 ? 257 : 1)));
    try {
      engine.load(junk);
    } catch (error) {
      assert.ok(error instanceof KefuError, `round ${round}: ${error}`);
    }
    assert.equal(typeof engine.match(junk.slice(0, 200) || '?').tier, 'string');
  }
  assert.equal(engine.match('忘记密码了怎么办').candidates[0].id, 'reset-password');
  engine.dispose();
});

test('dispose frees the handle, is idempotent, and later calls throw disposed', () => {
  const before = liveFaqEngineCount();
  const engine = new FaqEngine(core, demoKb);
  assert.equal(liveFaqEngineCount(), before + 1);
  engine.dispose();
  engine.dispose();
  assert.equal(liveFaqEngineCount(), before);
  assert.equal(engine.disposed, true);
  assertKefuError(() => engine.match('hi'), 'disposed');
});

test('engines that are never disposed are freed by the FinalizationRegistry backstop', async () => {
  v8.setFlagsFromString('--expose-gc');
  const collectGarbage = vm.runInNewContext('gc');
  const before = liveFaqEngineCount();
  (() => {
    for (let i = 0; i < 20; i += 1) new FaqEngine(core, demoKb).match('refund');
  })();
  assert.equal(liveFaqEngineCount(), before + 20);
  for (let attempt = 0; attempt < 50 && liveFaqEngineCount() > before; attempt += 1) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(liveFaqEngineCount(), before);
});

test('a binary index exported from one engine loads into another and answers the same', () => {
  const built = new FaqEngine(core, demoKb);
  const bytes = built.exportIndex();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'KFI1');
  const loaded = new FaqEngine(core, bytes);
  const fromArrayBuffer = new FaqEngine(core, bytes.slice().buffer);
  try {
    for (const question of ['怎么退款', '登錄密碼忘了', 'I forgot my pasword', '付款', '量子力学']) {
      assert.deepEqual(loaded.match(question), built.match(question));
      assert.deepEqual(fromArrayBuffer.match(question), built.match(question));
    }
    assert.deepEqual(loaded.suggest('怎么开', { k: 3 }), built.suggest('怎么开', { k: 3 }));
    const stats = loaded.memoryStats();
    assert.equal(stats.entries, JSON.parse(demoKb).faqs.length);
    assert.ok(stats.phrasings > stats.entries && stats.terms > 0 && stats.indexBytes > 0);
  } finally {
    built.dispose();
    loaded.dispose();
    fromArrayBuffer.dispose();
  }
});

test('truncated, altered, foreign or old-format index bytes are KefuErrors, and the engine keeps its KB', () => {
  const engine = new FaqEngine(core, demoKb);
  try {
    const bytes = engine.exportIndex();
    assertKefuError(() => engine.load(bytes.subarray(0, bytes.length - 10)), 'kb_index_corrupt');
    const altered = bytes.slice();
    altered[bytes.length >> 1] ^= 0xff;
    assertKefuError(() => engine.load(altered), 'kb_index_corrupt');
    assertKefuError(() => engine.load(new Uint8Array([1, 2, 3])), 'kb_index_corrupt');
    assertKefuError(() => engine.load(new TextEncoder().encode('{"faqs": [] } padding')), 'kb_index_corrupt');
    // The format version is the u32 after the KFI1 signature; formats 2 and 3 came before this one.
    for (const version of [2, 3]) {
      const older = bytes.slice();
      older[4] = version;
      assertKefuError(() => engine.load(older), 'kb_index_version');
    }
    assert.equal(engine.match('怎么退款').candidates[0].id, 'refund');
  } finally {
    engine.dispose();
  }
});

test('typeahead suggests KB questions while the visitor types', () => {
  const engine = new FaqEngine(core, demoKb);
  try {
    assert.equal(engine.suggest('怎么开')[0].id, 'invoice');
    assert.equal(engine.suggest('How do I exp', { k: 2 })[0].id, 'export');
    assert.ok(engine.suggest('怎么', { k: 2 }).length === 2);
    assert.deepEqual(engine.suggest(''), []);
    assertKefuError(() => engine.suggest(42), 'invalid_argument');
    assertKefuError(() => engine.suggest('x', { k: 0 }), 'invalid_argument');
  } finally {
    engine.dispose();
  }
});

test('match candidates carry the loaded KB texts: fresh objects per call, the new KB after a load, the old one after a failed load', () => {
  const first = { faqs: [{ id: 'refund', question: '怎么退款', answer: '第一个答案' }, { id: 'invoice', question: '怎么开发票', answer: '发票' }] };
  const second = { faqs: [{ id: 'refund-v2', question: '怎么退款', answer: '第二个答案' }] };
  const engine = new FaqEngine(core, first);
  try {
    const reply = engine.match('怎么退款', { k: 2 });
    assert.deepEqual(Object.keys(reply.candidates[0]), ['id', 'question', 'answer', 'score']);
    assert.equal(reply.candidates[0].answer, '第一个答案');
    assert.equal(typeof reply.candidates[0].score, 'number');
    reply.candidates[0].answer = 'changed by the caller';
    assert.equal(engine.match('怎么退款').candidates[0].answer, '第一个答案');

    engine.load(second);
    assert.deepEqual(
      engine.match('怎么退款').candidates.map(({ id, answer }) => [id, answer]),
      [['refund-v2', '第二个答案']],
    );
    assertKefuError(() => engine.load('{"faqs": ['), 'kb_invalid_json');
    assert.equal(engine.match('怎么退款').candidates[0].answer, '第二个答案');
  } finally {
    engine.dispose();
  }
});

test('teach adds a phrasing an agent resolved, untaught removes it, and an exported index keeps it', () => {
  const kb = { faqs: [
    { id: 'hours', question: 'opening hours', similar: ['when are you open'], answer: '9 to 5' },
    { id: 'refund', question: 'how do I get a refund', similar: ['money back please'], answer: 'Within 30 days.' },
    { id: 42, question: 'where is the shop', answer: 'Main Street.' },
  ] };
  const engine = new FaqEngine(core, kb);
  const copy = new FaqEngine(core, kb);
  try {
    const topId = (text) => engine.match(text).candidates[0]?.id;
    assert.notEqual(topId('parcel never arrived'), 'refund');
    const { phrasings } = engine.memoryStats();
    assert.deepEqual(engine.teach('refund', 'my parcel never arrived'), { phrasings: phrasings + 1 });
    assert.equal(topId('parcel never arrived'), 'refund');
    // A numeric KB id is taught by the number too.
    engine.teach(42, 'directions to the store');
    assert.equal(topId('directions to your store'), '42');

    copy.load(engine.exportIndex());
    assert.equal(copy.match('parcel never arrived').candidates[0].id, 'refund');

    assert.deepEqual(engine.untaught('refund', 'my parcel never arrived'), { phrasings: phrasings + 1 });
    assert.notEqual(topId('parcel never arrived'), 'refund');
  } finally {
    engine.dispose();
    copy.dispose();
  }
});

test('teaching errors are KefuErrors and teach nothing', () => {
  const engine = new FaqEngine(core, demoKb);
  try {
    const { phrasings } = engine.memoryStats();
    assertKefuError(() => engine.teach('no-such-faq', 'hello'), 'faq_not_found');
    assertKefuError(() => engine.teach('refund', ''), 'invalid_argument');
    assertKefuError(() => engine.teach('refund', 42), 'invalid_argument');
    assertKefuError(() => engine.teachAll('refund'), 'invalid_argument');
    assertKefuError(() => engine.untaught('refund', 'never taught'), 'phrasing_not_found');
    assertKefuError(() => engine.teachAll([{ faqId: 'refund', phrasing: 'a new way to ask' }, { faqId: 'nope', phrasing: 'x' }]), 'faq_not_found');
    assert.equal(engine.memoryStats().phrasings, phrasings);
  } finally {
    engine.dispose();
  }
});
