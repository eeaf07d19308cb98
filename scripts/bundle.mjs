// Bundles the browser entry points with esbuild into dist/, then lays out the files a
// website fetches for production (docs/embedding.md, "Serving the files"):
//   dist/v/<hash>/  the widget, its stylesheet and the wasm core, in a folder named
//                   after their bytes, so a server can let browsers keep them a year;
//   dist/kefu-loader.js  the one short-lived file: it names the current folder;
//   <file>.br, <file>.gz beside each of them, compressed once here at the highest
//                   levels, so the server only picks one by Accept-Encoding.
// The loader is a classic script (it must run from a plain <script src>), minified for
// its 2 KB gzip budget. es2020: optional chaining and ?? without helpers; every browser
// that runs our wasm core (and WeChat's current webviews) has them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { WIDGET_CSS } from '../web/widget/widget-styles.js';
import { LAUNCHER_CSS } from '../web/embed/launcher.js';
import { LOADER_FILE, VERSIONED_DIR, VERSIONED_FILES } from './shipped-files.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

export const BUNDLES = [
  // Pasted inline into host pages: the command queue and the launcher painted at boot.
  { entry: 'web/embed/snippet-entry.js', out: 'dist/kefu-snippet.js', format: 'iife' },
  // The panel, imported by the loader on idle or first open. One file: a second request
  // would cost more than the bytes it could defer. The core's Node branch is never taken
  // in a browser, hence node:* external.
  { entry: 'web/widget/kefu-widget.js', out: 'dist/kefu-widget.js', format: 'esm', external: ['node:*'] },
];
// Built last: it names the versioned folder of the files above.
const LOADER = { entry: 'web/embed/loader-entry.js', out: LOADER_FILE, format: 'iife' };

// The previous version's folder stays, so a page that loaded the previous loader just
// before an upgrade still finds its widget; older ones go.
const VERSIONS_KEPT = 2;

// Writes only bytes that changed: npm test packs the package (prepack rebuilds) while other
// steps serve and load these files, and a rewrite in place could be read half-written.
// Returns whether it wrote.
function writeIfChanged(path, bytes) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(bytes)) === 0) return false;
  writeFileSync(path, bytes);
  return true;
}

async function bundle({ entry, out, format, external }, define) {
  const { outputFiles } = await build({
    entryPoints: [`${root}${entry}`],
    outfile: `${root}${out}`,
    write: false,
    bundle: true,
    minify: true,
    format,
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
    external,
    define,
  });
  let changed = false;
  for (const file of outputFiles) changed = writeIfChanged(file.path, file.contents) || changed;
  return changed;
}

export function precompress(path) {
  const bytes = readFileSync(path);
  writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }));
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
}

/** Copies the versioned files into dist/v/<hash of their bytes>/ and returns the hash. */
function writeVersionedFolder() {
  const hash = createHash('sha256');
  for (const name of VERSIONED_FILES) {
    const path = `${root}dist/${name}`;
    if (!existsSync(path)) throw new Error(`dist/${name} is missing: build the wasm core first (npm run build)`);
    hash.update(name).update('\0').update(readFileSync(path));
  }
  const version = hash.digest('hex').slice(0, 16);
  const folder = `${root}${VERSIONED_DIR}/${version}`;
  mkdirSync(folder, { recursive: true });
  for (const name of VERSIONED_FILES) {
    // Same name, same bytes: a rebuild with nothing changed skips the compression.
    if (['', '.br', '.gz'].every((suffix) => existsSync(`${folder}/${name}${suffix}`))) continue;
    copyFileSync(`${root}dist/${name}`, `${folder}/${name}`);
    precompress(`${folder}/${name}`);
  }
  const older = readdirSync(`${root}${VERSIONED_DIR}`)
    .filter((name) => name !== version)
    .map((name) => ({ name, mtimeMs: statSync(`${root}${VERSIONED_DIR}/${name}`).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { name } of older.slice(VERSIONS_KEPT - 1)) rmSync(`${root}${VERSIONED_DIR}/${name}`, { recursive: true, force: true });
  return version;
}

export async function bundleWeb() {
  for (const entry of BUNDLES) await bundle(entry);
  // The <link> fallback for engines without constructable stylesheets: same rules.
  writeIfChanged(`${root}dist/kefu-widget.css`, `${LAUNCHER_CSS}\n${WIDGET_CSS}`);
  const version = writeVersionedFolder();
  const loaderChanged = await bundle(LOADER, { KEFU_ASSET_VERSION: JSON.stringify(version) });
  if (loaderChanged || !['.br', '.gz'].every((suffix) => existsSync(`${root}${LOADER_FILE}${suffix}`))) precompress(`${root}${LOADER_FILE}`);
  return { version };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleWeb();
