// Bundles the browser entry points with esbuild into dist/. The loader is a classic
// script (it must run from a plain <script src>), minified for its 2 KB gzip budget.
// es2020: optional chaining and ?? without helpers; every browser that runs our wasm
// core (and WeChat's current webviews) has them.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WIDGET_CSS } from '../web/widget/widget-styles.js';
import { LAUNCHER_CSS } from '../web/embed/launcher.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export const BUNDLES = [
  { entry: 'web/embed/loader-entry.js', out: 'dist/kefu-loader.js', format: 'iife' },
  // Pasted inline into host pages: the command queue and the launcher painted at boot.
  { entry: 'web/embed/snippet-entry.js', out: 'dist/kefu-snippet.js', format: 'iife' },
  // The panel, imported by the loader on idle or first open. One file: a second request
  // would cost more than the bytes it could defer. The core's Node branch is never taken
  // in a browser, hence node:* external.
  { entry: 'web/widget/kefu-widget.js', out: 'dist/kefu-widget.js', format: 'esm', external: ['node:*'] },
];

export async function bundleWeb() {
  for (const bundle of BUNDLES) {
    await build({
      entryPoints: [`${root}${bundle.entry}`],
      outfile: `${root}${bundle.out}`,
      bundle: true,
      minify: true,
      format: bundle.format,
      target: 'es2020',
      legalComments: 'none',
      logLevel: 'warning',
      external: bundle.external,
    });
  }
  // The <link> fallback for engines without constructable stylesheets: same rules.
  writeFileSync(`${root}dist/kefu-widget.css`, `${LAUNCHER_CSS}\n${WIDGET_CSS}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleWeb();
