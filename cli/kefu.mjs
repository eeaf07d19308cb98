#!/usr/bin/env node
// The `kefu` command: knowledge-base tooling on the same wasm core the widget runs.
import { evalCommand, EVAL_USAGE, UsageError } from './eval-command.js';

const COMMANDS = { eval: evalCommand };
const USAGE = `usage:\n  ${EVAL_USAGE}`;

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
