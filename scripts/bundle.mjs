// Bundles the browser entry points with esbuild into dist/. The loader is a classic
// script (it must run from a plain <script src>), minified for its 2 KB gzip budget.
// es2020: optional chaining and ?? without helpers; every browser that runs our wasm
// core (and WeChat's current webviews) has them.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const BUNDLES = [
  { entry: 'web/embed/loader-entry.js', out: 'dist/kefu-loader.js', format: 'iife' },
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
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleWeb();
