#!/usr/bin/env node
// CLI: node server/main.js [--config file.json]
// (KEFU_SERVER_CONFIG names the file too). Runs until SIGINT/SIGTERM.
import { closeOnSignals, startKefuServer } from './server.js';

const args = process.argv.slice(2);
const configAt = args.indexOf('--config');
const configPath = configAt >= 0 ? args[configAt + 1] : process.env.KEFU_SERVER_CONFIG;
let server;
try {
  server = await startKefuServer({ configPath, port: process.env.PORT ? Number(process.env.PORT) : undefined });
} catch (error) {
  // A damaged store is the operator's to fix: one line saying what and how, no stack.
  if (error.code !== 'store_damaged') throw error;
  process.stderr.write(`kefu: ${error.message}\n`);
  process.exit(1);
}
process.stderr.write(`Kefu server on ${server.httpUrl} (visitors ${server.wsUrl}, console ${server.httpUrl}/console/)\n`);

closeOnSignals(server);
