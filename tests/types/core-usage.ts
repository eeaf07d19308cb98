// Compiled with `tsc --noEmit` by tests/node/types.test.js (against this checkout, which
// resolves 'kefu' to itself through package.json "exports") and by
// tests/node/packed-tarball.test.js (against the packed tarball installed in an empty
// folder): the public declarations must describe real usage under both `node16` and
// `bundler` resolution, and the @ts-expect-error lines must stay errors.
import { FaqEngine, KefuError, loadKefuCore, type MatchResult, type MatchTier } from 'kefu/core';

async function usage(): Promise<MatchTier> {
  const core = await loadKefuCore({ build: 'debug' });
  const engine = new FaqEngine(core, { faqs: [{ id: 'a', question: 'q', answer: 'a' }] }, { thresholds: { answer: 0.7 } });
  const result: MatchResult = engine.match('hello', { k: 3 });
  const firstScore: number | undefined = result.candidates[0]?.score;
  void firstScore;
  engine.dispose();
  try {
    await FaqEngine.create('{"faqs": []}');
  } catch (error) {
    if (error instanceof KefuError) return error.code === 'kb_invalid_json' ? 'handoff' : 'suggest';
  }
  // @ts-expect-error builds are 'release' | 'debug'
  await loadKefuCore({ build: 'fast' });
  // @ts-expect-error match takes a string
  engine.match(42);
  return result.tier;
}

void usage;

async function knowledgeBaseShape(): Promise<void> {
  await FaqEngine.create({ faqs: [{ id: 'a', question: 'q', answer: 'a', similar: ['p'] }], synonyms: [['退款', '退钱']] });
  // @ts-expect-error a typo is an error in the core, and so in the types
  await FaqEngine.create({ faqs: [{ id: 'a', question: 'q', answer: 'a', similiar: ['p'] }] });
}

void knowledgeBaseShape;
