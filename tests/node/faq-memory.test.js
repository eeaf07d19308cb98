// The wasm memory a page keeps once a KB's binary index is loaded. Measured in a fresh
// process: wasm memory never shrinks, so a build earlier in the same process would count.
// Emscripten's default initial memory (16 MiB, 5 MiB of it stack) was a floor every page
// kept; the core now starts at 1 MiB and grows with what a load needs (docs/knowledge-base.md,
// Memory). The KB has hflqa's size (1,468 FAQs, 12 phrasings each) but is the harder case:
// English word pairs make more terms and postings than hflqa's Chinese (docs/perf/faq.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticKb } from '../../bench/faq/synthetic-kb.mjs';
import { FaqEngine } from '../../web/core/index.js';
import { coreBuild } from './core-build.js';

const EMSCRIPTEN_DEFAULT_MEMORY = 16 * 1024 * 1024;

const CORE_INDEX = JSON.stringify(new URL('../../web/core/index.js', import.meta.url).href);

// Loads the index as a FaqEngine does (bytes into FaqEngine) and prints the wasm memory.
const LOAD_AND_MEASURE = `
import { readFileSync } from 'node:fs';
import { FaqEngine } from ${CORE_INDEX};
const engine = await FaqEngine.create(new Uint8Array(readFileSync(process.env.KEFU_INDEX_FILE)), { build: process.env.KEFU_CORE_BUILD });
const answered = engine.match(process.env.KEFU_QUESTION).candidates.length > 0;
engine.suggest(process.env.KEFU_QUESTION.slice(0, 4));
console.log(JSON.stringify({ answered, heapBytes: engine.memoryStats().heapBytes }));
`;

// Loads the index as the widget does (bytes into a running ChatSession) and prints the wasm memory.
const SESSION_LOAD_AND_MEASURE = `
import { readFileSync } from 'node:fs';
import { ChatSession, loadKefuCore } from ${CORE_INDEX};
const core = await loadKefuCore({ build: process.env.KEFU_CORE_BUILD });
const session = new ChatSession(core, { config: { siteId: 'memory' } });
session.loadIndex(new Uint8Array(readFileSync(process.env.KEFU_INDEX_FILE)));
const answered = session.suggest(process.env.KEFU_QUESTION.slice(0, 4)).length > 0;
console.log(JSON.stringify({ answered, heapBytes: core.HEAPU8.byteLength }));
`;

function measureInFreshProcess(script, file, question) {
  const child = spawnSync(process.execPath, ['--no-experimental-fetch', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, KEFU_INDEX_FILE: file, KEFU_CORE_BUILD: coreBuild, KEFU_QUESTION: question },
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

test('the index of a 1,468-FAQ KB loads, answers and suggests in less wasm memory than Emscripten\'s 16 MiB default', async () => {
  const kb = syntheticKb(1468, 11);
  const built = await FaqEngine.create({ faqs: kb.faqs }, { build: coreBuild });
  const index = built.exportIndex();
  built.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'kefu-faq-memory-'));
  try {
    const file = join(dir, 'kb.kfi');
    writeFileSync(file, index);
    const { answered, heapBytes } = measureInFreshProcess(LOAD_AND_MEASURE, file, kb.faqs[700].similar[3]);
    assert.ok(answered);
    assert.ok(heapBytes < EMSCRIPTEN_DEFAULT_MEMORY, `wasm memory ${heapBytes} bytes after loading a ${index.length}-byte index`);
    // The widget loads the index into its chat session: the same bytes-into-wasm path, so
    // no more memory than the engine's load (an Embind string argument had copied the
    // bytes twice at the load's peak).
    const session = measureInFreshProcess(SESSION_LOAD_AND_MEASURE, file, kb.faqs[700].question);
    assert.ok(session.answered);
    assert.ok(session.heapBytes <= heapBytes, `a session's load took ${session.heapBytes} bytes of wasm memory, the engine's ${heapBytes}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
