// Trains a knowledge base's index off the main thread: one short-lived worker per build
// (server/kb/index-build-worker.js), so a failed or crashed build leaves nothing behind.
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./index-build-worker.js', import.meta.url);

/**
 * @param {string} kbText the KB JSON
 * @param {AbortSignal} [signal] stops the build (the server is closing)
 * @param {{checkOnly?: boolean}} [options] checkOnly: the same build, which is what decides
 *   whether the core takes the KB, without exporting and compressing an index nobody will
 *   serve (a console draft's check; brotli at its best quality is seconds for a real KB)
 * @returns {Promise<{ok: true, bytes: Uint8Array, br: Uint8Array, gz: Uint8Array, entries: number, phrasings: number, buildMs: number} | {ok: false, code: string, message: string}>}
 *   the index (.kfi bytes) and its brotli and gzip forms, the KB's size and the training's
 *   time (with checkOnly, no bytes), or why the core refused the KB
 */
export function buildIndex(kbText, signal, { checkOnly = false } = {}) {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { workerData: { kbText, checkOnly } });
    let settled = false;
    let stop;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', stop);
      resolve(result);
      worker.terminate();
    };
    worker.once('message', settle);
    worker.once('error', (error) => settle({ ok: false, code: 'kb_build_failed', message: String(error?.message ?? error) }));
    worker.once('exit', (code) => settle({ ok: false, code: 'kb_build_failed', message: `the build worker exited (${code}) without a result` }));
    stop = () => settle({ ok: false, code: 'kb_build_stopped', message: 'the build was stopped' });
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
