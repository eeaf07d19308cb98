import { readFileSync, writeFileSync } from 'node:fs';
import { FaqEngine } from '../web/core/index.js';
import { UsageError } from './usage-error.js';

export const BUILD_INDEX_USAGE = 'kefu build-index KB.json -o KB.kfi [--build release|debug]';

const HELP = `${BUILD_INDEX_USAGE}

Validates a knowledge base, trains its index once and writes the binary index (.kfi)
a site ships instead of the JSON: loading it skips the training on every visitor's device.

  -o FILE          where to write the index
  --build NAME     the core build to use: release (default) or debug
  --help           this text

Progress goes to stderr for knowledge bases large enough to take over a second; the
summary line goes to stdout.`;

// A KB of this many phrasings or more is announced before its build: the build is one call
// into the core, so the CLI can only say when it starts and, after, how long it took
// (which it also prints for any build over a second). clinc150's 1,650 phrasings train in
// about 0.6 s natively and longer in wasm (docs/perf/faq.md).
const SLOW_BUILD_PHRASINGS = 2000;

// Validates a KB, builds and trains its index once, and writes the binary a site can ship
// instead of the JSON (load() takes either; the binary skips the training on every device).
export async function buildIndexCommand(args) {
  if (args.includes('--help')) {
    console.log(HELP);
    return;
  }
  const outputAt = args.indexOf('-o');
  const buildAt = args.indexOf('--build');
  const output = outputAt >= 0 ? args[outputAt + 1] : undefined;
  const build = buildAt >= 0 ? args[buildAt + 1] : 'release';
  const optionValues = new Set([outputAt, buildAt].filter((at) => at >= 0).map((at) => at + 1));
  const input = args.find((arg, i) => !arg.startsWith('-') && !optionValues.has(i));
  if (!input || !output) throw new UsageError(BUILD_INDEX_USAGE);

  const kbText = readFileSync(input, 'utf8');
  const phrasings = countPhrasings(kbText);
  const slow = phrasings >= SLOW_BUILD_PHRASINGS;
  if (slow) process.stderr.write(`${input}: training the index of ${phrasings} phrasings...\n`);
  const started = process.hrtime.bigint();
  const engine = await FaqEngine.create(kbText, { build });
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
