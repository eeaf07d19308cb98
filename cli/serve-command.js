import { describeConfigKeys } from '../server/config.js';
import { portFromText, serveFromCommandLine } from '../server/command-line.js';
import { parseCommandArgs } from './parse-command-args.js';

export const SERVE_USAGE = 'kefu serve [--config site.json] [--port N]';

export const SERVE_HELP = `usage: ${SERVE_USAGE}
Runs the chat server: the widget's files at /kefu/, each site's knowledge base at
/kb/<siteId>.json, the visitors' WebSocket at /ws and the agent console at /console/.
The config and every site's knowledge base are checked first: a mistake is one line
and exit code 2. Stop with Ctrl-C. More in the package's docs/server.md.

Config keys (a JSON file names only what it changes; a knowledgeBase path is read from
the file's folder, dataDir from the working directory):
${describeConfigKeys()}`;

export async function serveCommand(args) {
  const { values } = parseCommandArgs(args, { config: { type: 'string' }, port: { type: 'string' } }, SERVE_USAGE, 0);
  await serveFromCommandLine({ configPath: values.config, port: portFromText(values.port) });
}
