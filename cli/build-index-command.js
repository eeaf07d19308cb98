import { writeFileSync } from 'node:fs';
import { FaqEngine } from '../web/core/index.js';
import { parseCommandArgs } from './parse-command-args.js';
import { aboutFile, readKnowledgeBaseFile } from './read-input-file.js';
import { UsageError } from './usage-error.js';

export const BUILD_INDEX_USAGE = 'kefu build-index KB.json -o KB.kfi [--build release|debug]';

export const BUILD_INDEX_HELP = `usage: ${BUILD_INDEX_USAGE}
Checks a knowledge base (every mistake named with its entry and field, JSON syntax
errors with line and column), builds and trains its index, and writes the binary a
site can ship instead of the JSON. The KB format: the package's docs/knowledge-base.md.`;

// Validates a KB, builds and trains its index once, and writes the binary a site can ship
// instead of the JSON (load() takes either; the binary skips the build on every device).
export async function buildIndexCommand(args) {
  const { values, positionals } = parseCommandArgs(args, { output: { type: 'string', short: 'o' }, build: { type: 'string', default: 'release' } }, BUILD_INDEX_USAGE, 1);
  const [input] = positionals;
  const { output, build } = values;
  if (!output) throw new UsageError(BUILD_INDEX_USAGE);

  const kbText = readKnowledgeBaseFile(input);
  const started = process.hrtime.bigint();
  const engine = await FaqEngine.create(kbText, { build }).catch((error) => {
    throw aboutFile(input, error);
  });
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
