// Runs main.js as a child process (crash tests kill it with SIGKILL; bench:load keeps the
// server's CPU apart from its simulated visitors). `ready` resolves to the server's http
// URL once it says it listens, and rejects if it exits first; `output()` is what it has
// written to stderr so far (the first-admin setup link comes in the same write).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LISTENING_LINE } from './command-line.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * @param {string} configPath
 * @param {{nodeFlags?: string[], stdout?: 'ignore'|number}} [options]
 * @returns {{child: import('node:child_process').ChildProcess, ready: Promise<string>, output: () => string}}
 */
export function spawnServerProcess(configPath, { nodeFlags = [], stdout = 'ignore' } = {}) {
  const child = spawn(process.execPath, [...nodeFlags, MAIN, '--config', configPath], { stdio: ['ignore', stdout, 'pipe'] });
  let text = '';
  const ready = new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const match = LISTENING_LINE.exec(text);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${text}`)));
  });
  return { child, ready, output: () => text };
}
