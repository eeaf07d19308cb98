// Runs in a worker thread (server/kb/index-build.js): trains a knowledge base's index in
// the wasm core and compresses it once for every visitor, work that takes seconds for a
// real KB and would otherwise stall every socket of the server meanwhile.
import { parentPort, workerData } from 'node:worker_threads';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { FaqEngine, loadKefuCore } from '../../web/core/index.js';

let engine = null;
try {
  const core = await loadKefuCore();
  const started = performance.now();
  engine = new FaqEngine(core, workerData.kbText);
  const buildMs = Math.round(performance.now() - started);
  const { entries, phrasings } = engine.memoryStats();
  if (workerData.checkOnly) {
    parentPort.postMessage({ ok: true, entries, phrasings, buildMs });
  } else {
    const bytes = engine.exportIndex();
    const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
    // Copied, not transferred: zlib's small results may share Node's buffer pool.
    parentPort.postMessage({ ok: true, bytes, br, gz, entries, phrasings, buildMs });
  }
} catch (error) {
  parentPort.postMessage({ ok: false, code: typeof error?.code === 'string' ? error.code : 'internal', message: String(error?.message ?? error) });
} finally {
  engine?.dispose();
}
