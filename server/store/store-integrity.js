// Checks a LevelDB store before the server serves from it. LevelDB itself recovers
// quietly from what looks like a crash: with `CURRENT` gone it starts a fresh database
// (and later deletes the old tables), a truncated log just ends early, and a damaged
// table block is found only when a read hits it. A store that lost acknowledged
// messages must not be served as if it were whole, so:
//
// - every write batch carries a commit counter (`meta:commits`), and the count known
//   committed is copied to a small file beside the database (COMMITS_FILE) as writes
//   land and at close; a database holding fewer commits than that file says has lost
//   writes (a truncated or missing log or table) and is refused;
// - `CURRENT` missing next to LevelDB's own files is repaired with LevelDB's repair,
//   which rebuilds the manifest from the tables and logs it finds (logged loudly);
//   the counter check after it says whether the repair got everything back;
// - every data block is read once at start, so a damaged table is refused at start
//   instead of failing resyncs later.
import { readdir, readFile, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';

export const COMMITS_KEY = 'meta:commits';
export const COMMITS_FILE = 'KEFU-COMMITS.json';
const LEVELDB_FILE = /^(\d+\.(log|ldb|sst)|MANIFEST-\d+)$/;

/** Thrown when the store is damaged; the message is one line naming the problem and the fix. */
export class StoreDamagedError extends Error {
  /** `otherwise`: what else the operator may do, knowingly, instead of restoring. */
  constructor(path, problem, otherwise = '') {
    super(`the store at ${path} is damaged: ${problem}. Restore the folder from a backup${otherwise}; the server does not start on it, so no conversation is served as if it never happened`);
    this.name = 'StoreDamagedError';
    this.code = 'store_damaged';
  }
}

async function listFolder(path) {
  try {
    return await readdir(path);
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
}

/** The commit count the file beside the store records, or null when there is none. */
export async function readCommitsFile(path) {
  let text;
  try {
    text = await readFile(join(path, COMMITS_FILE), 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  const commits = JSON.parse(text)?.commits;
  if (!Number.isSafeInteger(commits)) throw new StoreDamagedError(path, `${COMMITS_FILE} does not hold a commit count`);
  return commits;
}

/** Writes the count through a temporary file and a rename, so a crash leaves the old or the new one. */
export async function writeCommitsFile(path, commits, { sync }) {
  const temporary = join(path, `${COMMITS_FILE}.tmp`);
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(JSON.stringify({ commits }));
    if (sync) await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(path, COMMITS_FILE));
}

/**
 * Opens the database at `path` after the checks above.
 * @param {(event: string, fields: object) => void} warn loud log line for a repair
 * @returns {Promise<{db: ClassicLevel, commits: number}>}
 */
export async function openCheckedDatabase(path, { warn }) {
  const files = await listFolder(path);
  const expected = await readCommitsFile(path);
  if (!files.includes('CURRENT') && files.some((name) => LEVELDB_FILE.test(name))) {
    warn('store_repairing', { path, problem: 'CURRENT is missing', action: 'rebuilding the manifest from the table and log files with LevelDB repair' });
    await ClassicLevel.repair(path);
    warn('store_repaired', { path });
  }
  const db = new ClassicLevel(path, { valueEncoding: 'json' });
  await db.open();
  try {
    const commits = (await db.get(COMMITS_KEY)) ?? 0;
    if (expected !== null && commits < expected) {
      throw new StoreDamagedError(path, `it holds ${commits} of the ${expected} write batches committed to it (a log or table file was truncated, replaced or lost)`, ` (or delete ${COMMITS_FILE} there to serve what is left)`);
    }
    await readEveryBlock(db, path);
    return { db, commits };
  } catch (error) {
    await db.close();
    throw error;
  }
}

// Walks every key once (LevelDB decodes a whole data block, keys and values, to yield its
// keys), in batches and without filling the block cache, so a damaged table block fails
// here rather than in the middle of a visitor's resync.
const SCAN_BATCH = 1000;

async function readEveryBlock(db, path) {
  const keys = db.keys({ keyEncoding: 'buffer', fillCache: false });
  try {
    while ((await keys.nextv(SCAN_BATCH)).length > 0);
  } catch (error) {
    throw new StoreDamagedError(path, `reading it back failed (${String(error.cause?.message ?? error.message).split('\n')[0]})`);
  } finally {
    await keys.close();
  }
}
