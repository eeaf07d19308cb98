import { readFileSync, writeFileSync } from 'node:fs';
import { FaqEngine } from '../web/core/index.js';
import { UsageError } from './usage-error.js';

export const BUILD_INDEX_USAGE = 'kefu build-index KB.json -o KB.kfi [--build release|debug]';

// Validates a KB, builds and trains its index once, and writes the binary a site can ship
// instead of the JSON (load() takes either; the binary skips the build on every device).
export async function buildIndexCommand(args) {
  const outputAt = args.indexOf('-o');
  const buildAt = args.indexOf('--build');
  const output = outputAt >= 0 ? args[outputAt + 1] : undefined;
  const build = buildAt >= 0 ? args[buildAt + 1] : 'release';
  const optionValues = new Set([outputAt, buildAt].filter((at) => at >= 0).map((at) => at + 1));
  const input = args.find((arg, i) => !arg.startsWith('-') && !optionValues.has(i));
  if (!input || !output) throw new UsageError(BUILD_INDEX_USAGE);

  const kbText = readFileSync(input, 'utf8');
  const started = process.hrtime.bigint();
  const engine = await FaqEngine.create(kbText, { build });
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  try {
    const bytes = engine.exportIndex();
    writeFileSync(output, bytes);
    const stats = engine.memoryStats();
    console.log(`${output}: ${stats.entries} FAQs, ${stats.phrasings} phrasings, ${stats.terms} terms, ${bytes.length} bytes (core load + build ${buildMs.toFixed(0)} ms)`);
  } finally {
    engine.dispose();
  }
}
