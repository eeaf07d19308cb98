// Starting the server from a command line (`node server/main.js`, `kefu serve`): the
// configuration and every site's knowledge base are checked before anything listens, and
// a mistake is one line naming the key and the fix, exit code 2, no stack trace. Then the
// addresses, and, while no console account exists, the one-time link that creates the
// first admin.
import { KnowledgeBaseError } from './kb/site-knowledge.js';
import { ConfigError, readConfig } from './config.js';
import { closeOnSignals, startKefuServer } from './server.js';

/** What the server says once it listens; server-process.js waits for this line. */
export const LISTENING_LINE = /Kefu server on (http:\/\/\S+)/;
/** The first-admin setup link, printed with it while the store has no account. */
export const SETUP_LINE = /Console setup \(one-time link\): (http:\/\/\S+\/console\/#setup=([\w-]+))/;

/** The line that invites the first admin, or '' once any account exists. */
export async function setupLinkLine(server) {
  const token = await server.accounts.setupToken();
  return token === null ? '' : `Console setup (one-time link): ${server.httpUrl}/console/#setup=${token}\n  (it creates the first admin; or run \`kefu admin create\`)\n`;
}

/** A port from the command line or PORT: digits become a number; anything else stays
 * text, so the config check names it ("port must be a whole number … (got "abc")"). */
export function portFromText(value) {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * @param {{configPath?: string, port?: number|string}} options
 * @returns {Promise<void>} runs until SIGINT/SIGTERM; exits 2 on a configuration mistake
 */
export async function serveFromCommandLine({ configPath, port }) {
  let server;
  try {
    const config = readConfig(configPath, port === undefined ? {} : { port });
    server = await startKefuServer({ config }).catch((error) => {
      throw explainStartError(error, config, configPath) ?? error;
    });
  } catch (error) {
    // A damaged store is not a configuration mistake: its own one line and exit code 1
    // (server/store/store-integrity.js).
    if (error.code === 'store_damaged') {
      process.stderr.write(`kefu: ${error.message}\n`);
      process.exit(1);
    }
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`kefu: ${error.message}\n`);
    process.exit(2);
  }
  // One write, so whoever waits for the first line has the setup link too.
  process.stderr.write(`Kefu server on ${server.httpUrl} (visitors ${server.wsUrl}, console ${server.httpUrl}/console/)\n${await setupLinkLine(server)}`);
  closeOnSignals(server);
}

function explainStartError(error, config, configPath) {
  const inFile = configPath ? ` in ${configPath}` : '';
  // The server loads every site's KB into the core before it listens (it judges the bot's
  // answers itself), so a broken KB stops the start with the core's own message, the
  // one `kefu build-index` gives, instead of being found by the first visitor.
  if (error instanceof KnowledgeBaseError) return new ConfigError(`${configPath ? `${configPath}: ` : ''}${error.message}`);
  if (error.syscall === 'listen') {
    if (error.code === 'EADDRINUSE') return new ConfigError(`port ${config.port} on ${config.host} is in use; stop what holds it, or set "port"${inFile} to a free one (0 picks any)`);
    if (error.code === 'EACCES') return new ConfigError(`port ${config.port} needs more privileges; set "port"${inFile} to 1024 or above, with a reverse proxy on 80/443`);
    if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new ConfigError(`host "${config.host}" is not an address of this machine; set "host"${inFile} to one (127.0.0.1, or 0.0.0.0 for all)`);
  }
  if (error.cause?.code === 'LEVEL_LOCKED') return new ConfigError(`dataDir ${config.dataDir} is in use by another Kefu server; stop it, or set "dataDir"${inFile} to another folder`);
  if (error.syscall === 'mkdir') return new ConfigError(`dataDir: cannot create ${error.path} (${error.code}); set "dataDir"${inFile} to a folder this user may write`);
  return null;
}
