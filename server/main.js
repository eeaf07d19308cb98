#!/usr/bin/env node
// CLI: node server/main.js [--config file.json]
// (KEFU_SERVER_CONFIG names the file too; PORT overrides the port). Runs until
// SIGINT/SIGTERM; `kefu serve` is the same from the installed package.
import { portFromText, serveFromCommandLine } from './command-line.js';

const args = process.argv.slice(2);
const configAt = args.indexOf('--config');
await serveFromCommandLine({
  configPath: configAt >= 0 ? args[configAt + 1] : process.env.KEFU_SERVER_CONFIG,
  port: portFromText(process.env.PORT),
});
