#!/usr/bin/env -S node --no-concurrent-recompilation
// The `kefu` command: knowledge-base tooling on the same wasm core the widget runs, and
// the chat server. The flag in the first line: Node 20 can deadlock at exit while a
// concurrent TurboFan job waits for the main thread (nodejs/node#54918); it hung about
// one `kefu eval` in 20 here.
import { readFileSync } from 'node:fs';
import { ADMIN_HELP, ADMIN_USAGE, adminCommand } from './admin-command.js';
import { BUILD_INDEX_HELP, BUILD_INDEX_USAGE, buildIndexCommand } from './build-index-command.js';
import { EVAL_HELP, EVAL_USAGE, evalCommand } from './eval-command.js';
import { SERVE_HELP, SERVE_USAGE, serveCommand } from './serve-command.js';
import { UsageError } from './usage-error.js';

const COMMANDS = {
  admin: { run: adminCommand, usage: ADMIN_USAGE, help: ADMIN_HELP },
  'build-index': { run: buildIndexCommand, usage: BUILD_INDEX_USAGE, help: BUILD_INDEX_HELP },
  eval: { run: evalCommand, usage: EVAL_USAGE, help: EVAL_HELP },
  serve: { run: serveCommand, usage: SERVE_USAGE, help: SERVE_HELP },
};
const HELP_FLAGS = new Set(['--help', '-h']);
const USAGE = `usage:\n${Object.values(COMMANDS).map(({ usage }) => `  ${usage}`).join('\n')}\n  kefu <command> --help | kefu --version`;

const [command, ...args] = process.argv.slice(2);
if (command === undefined || HELP_FLAGS.has(command) || command === 'help') {
  if (command === undefined) {
    console.error(USAGE);
    process.exit(2);
  }
  console.log(COMMANDS[args[0]]?.help ?? `kefu: the Kefu chat widget's knowledge-base tools and server.\n${USAGE}`);
  process.exit(0);
}
if (command === '--version' || command === '-v') {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  process.exit(0);
}
if (!Object.hasOwn(COMMANDS, command)) {
  console.error(`kefu: unknown command "${command}"\n${USAGE}`);
  process.exit(2);
}
if (args.some((arg) => HELP_FLAGS.has(arg))) {
  console.log(COMMANDS[command].help);
  process.exit(0);
}
try {
  await COMMANDS[command].run(args);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`usage: ${error.message}`);
    process.exit(2);
  }
  console.error(`kefu ${command}: ${error.code ? `${error.code}: ` : ''}${error.message}`);
  process.exit(1);
}
