// `kefu admin create`: a console account made from the command line, straight in the
// store the server uses (run it while the server is stopped when the store is LevelDB,
// which one process opens at a time). The password is read from standard input, never
// from the command line, where `ps` and shell history would keep it.
import { createInterface } from 'node:readline';
import { readConfig } from '../server/config.js';
import { openStore } from '../server/store/open-store.js';
import { ConsoleAccounts, MIN_PASSWORD_CHARS, ROLES } from '../server/accounts/console-accounts.js';
import { TeamDirectory } from '../server/accounts/team-directory.js';
import { LocalFanout } from '../server/fanout/local-fanout.js';
import { parseCommandArgs } from './parse-command-args.js';
import { UsageError } from './usage-error.js';

export const ADMIN_USAGE = 'kefu admin create --username NAME [--name "Display name"] [--role admin|agent] [--config site.json]';

export const ADMIN_HELP = `usage: ${ADMIN_USAGE}
Creates a console account (role admin unless --role agent) in the store the config
names. The password (at least ${MIN_PASSWORD_CHARS} characters) is read from standard input: typed at
the prompt, or piped (the first line). With the LevelDB store, stop the server first.`;

// The first line of standard input; at a terminal, asked for without echoing it.
async function readPassword() {
  const lines = createInterface({ input: process.stdin, output: process.stdin.isTTY ? process.stderr : undefined, terminal: Boolean(process.stdin.isTTY) });
  if (process.stdin.isTTY) {
    process.stderr.write('Password: ');
    lines._writeToOutput = () => {}; // no echo
  }
  const [line] = await Promise.race([lines[Symbol.asyncIterator]().next().then((next) => [next.value ?? '']), new Promise((resolve) => lines.once('close', () => resolve([''])))]);
  lines.close();
  if (process.stdin.isTTY) process.stderr.write('\n');
  return line;
}

export async function adminCommand(args) {
  const { values, positionals } = parseCommandArgs(args, {
    username: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'admin' }, config: { type: 'string' },
  }, ADMIN_USAGE, 1);
  if (positionals[0] !== 'create' || !values.username || !ROLES.includes(values.role)) throw new UsageError(ADMIN_USAGE);
  const password = await readPassword();
  const config = readConfig(values.config);
  const store = await openStore(config, { warn: (event, fields) => console.error(`kefu admin: ${event} ${JSON.stringify(fields)}`) });
  try {
    // Only read here (the new account's teams are checked): no running instance to tell.
    const fanout = new LocalFanout();
    const teams = await TeamDirectory.load({ store, siteIds: Object.keys(config.sites), fanout });
    const accounts = new ConsoleAccounts({ store, teams, fanout, sessionHours: config.consoleSessionHours, defaultMaxChats: config.agentMaxChats });
    const { account, error } = await accounts.create({ username: values.username, displayName: values.name ?? values.username, password, role: values.role }, { by: null });
    if (error) throw new Error(`account not created (${error})`);
    console.log(`created ${account.role} "${account.username}" (${account.id}); log in at the console`);
  } finally {
    await store.close();
  }
}
