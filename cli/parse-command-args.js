import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/**
 * A command's arguments by node:util's parseArgs; anything it rejects, and a count of
 * positionals other than `positionals`, is a UsageError showing `usage`.
 * @param {string[]} args
 * @param {object} options parseArgs options
 * @param {string} usage
 * @param {number} positionals how many the command takes
 */
export function parseCommandArgs(args, options, usage, positionals) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error.message.split('\n')[0]}\n${usage}`);
  }
  if (parsed.positionals.length !== positionals) throw new UsageError(usage);
  return parsed;
}
