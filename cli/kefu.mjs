#!/usr/bin/env -S node --no-concurrent-recompilation
// The `kefu` command: knowledge-base tooling on the same wasm core the widget runs.
// The flag in the first line: Node 20 can deadlock at exit while a concurrent TurboFan job
// waits for the main thread (nodejs/node#54918); it hung about one `kefu eval` in 20 here.
import { buildIndexCommand, BUILD_INDEX_USAGE } from './build-index-command.js';
import { evalCommand, EVAL_USAGE } from './eval-command.js';
import { UsageError } from './usage-error.js';

const COMMANDS = { eval: evalCommand, 'build-index': buildIndexCommand };
const USAGE = `usage:\n  ${EVAL_USAGE}\n  ${BUILD_INDEX_USAGE}`;

const [command, ...args] = process.argv.slice(2);
if (!COMMANDS[command]) {
  console.error(command ? `kefu: unknown command "${command}"\n${USAGE}` : USAGE);
  process.exit(2);
}
try {
  await COMMANDS[command](args);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`usage: ${error.message}`);
    process.exit(2);
  }
  console.error(`kefu ${command}: ${error.code ? `${error.code}: ` : ''}${error.message}`);
  process.exit(1);
}
