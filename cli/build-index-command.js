import { writeFileSync } from 'node:fs';
import { FaqEngine } from '../web/core/index.js';
import { parseCommandArgs } from './parse-command-args.js';
import { aboutFile, readKnowledgeBaseFile } from './read-input-file.js';
import { UsageError } from './usage-error.js';

export const BUILD_INDEX_USAGE = 'kefu build-index KB.json -o KB.kfi [--build release|debug]';

export const BUILD_INDEX_HELP = `usage: ${BUILD_INDEX_USAGE}
Checks a knowledge base (every mistake named with its entry and field, JSON syntax
errors with line and column), builds and trains its index, and writes the binary a
site can ship instead of the JSON. The KB format: the package's docs/knowledge-base.md.
A knowledge base large enough to train for a second or more is announced on stderr
before its build, and any build over a second reports its time there after.`;

// A KB of this many phrasings or more is announced before its build: the build is one call
// into the core, so the CLI can only say when it starts and, after, how long it took
// (which it also prints for any build over a second). clinc150's 1,650 phrasings train in
// about 0.6 s natively and longer in wasm (docs/perf/faq.md).
const SLOW_BUILD_PHRASINGS = 2000;

// Validates a KB, builds and trains its index once, and writes the binary a site can ship
// instead of the JSON (load() takes either; the binary skips the build on every device).
export async function buildIndexCommand(args) {
  const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, build: { type: 'string', default: 'release' } }, BUILD_INDEX_USAGE, 1);
  const [input] = positionals;
  const { output, build } = values;
  if (!output) throw new UsageError(BUILD_INDEX_USAGE);

  const kbText = readKnowledgeBaseFile(input);
  const phrasings = countPhrasings(kbText);
  const slow = phrasings >= SLOW_BUILD_PHRASINGS;
  if (slow) process.stderr.write(`${input}: training the index of ${phrasings} phrasings...\n`);
  const started = process.hrtime.bigint();
  const engine = await FaqEngine.create(kbText, { build }).catch((error) => {
    throw aboutFile(input, error);
  });
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  try {
    if (slow || buildMs > 1000) process.stderr.write(`${input}: trained in ${(buildMs / 1000).toFixed(1)} s; writing ${output}\n`);
    const bytes = engine.exportIndex();
    writeFileSync(output, bytes);
    const stats = engine.memoryStats();
    console.log(`${output}: ${stats.entries} FAQs, ${stats.phrasings} phrasings, ${stats.terms} terms, ${bytes.length} bytes (core load + build ${buildMs.toFixed(0)} ms)`);
  } finally {
    engine.dispose();
  }
}

// Standard and similar questions, for the progress line only: the core validates the KB,
// so text that is not a KB's JSON counts as none here and fails there.
function countPhrasings(kbText) {
  try {
    const faqs = JSON.parse(kbText)?.faqs;
    if (!Array.isArray(faqs)) return 0;
    return faqs.reduce((sum, faq) => sum + 1 + (Array.isArray(faq?.similar) ? faq.similar.length : 0), 0);
  } catch {
    return 0;
  }
}
