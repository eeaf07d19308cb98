#!/usr/bin/env node
// Prints the embed code for a site: the inline snippet (dist/kefu-snippet.js) with the
// site's settings as data attributes, the loader tag, and the CSP source that allows the
// snippet on a page whose script-src has no 'unsafe-inline'.
//   npm run snippet -- --site-id acme --server-url wss://chat.example.com/ws \
//                      --loader-url https://chat.example.com/kefu/kefu-loader.js [--locale zh-CN]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SNIPPET_FILE, repoRoot } from './shipped-files.mjs';

export function snippetCode() {
  return readFileSync(`${repoRoot}${SNIPPET_FILE}`, 'utf8').trimEnd();
}

/** The script-src source matching a <script> whose text is exactly the snippet. */
export function snippetCspSource(code = snippetCode()) {
  return `'sha256-${createHash('sha256').update(code).digest('base64')}'`;
}

const escapeAttribute = (value) => String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The two tags a host page pastes; settings become data attributes so the snippet's text, and its hash, never change. */
export function embedCode({ siteId, serverUrl, locale, loaderUrl = '/kefu/kefu-loader.js' }) {
  const attributes = Object.entries({ 'data-site-id': siteId, 'data-server-url': serverUrl, 'data-locale': locale })
    .filter(([, value]) => value)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
  return `<script${attributes}>${snippetCode()}</script>\n<script async src="${escapeAttribute(loaderUrl)}"></script>`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const siteId = option('site-id');
  if (!siteId) {
    console.error('usage: npm run snippet -- --site-id ID [--server-url URL] [--locale zh-CN|zh-TW|en] [--loader-url URL]');
    process.exit(2);
  }
  console.log(embedCode({ siteId, serverUrl: option('server-url'), locale: option('locale'), loaderUrl: option('loader-url') }));
  console.log(`\n<!-- With a Content-Security-Policy, add to script-src: ${snippetCspSource()} -->`);
}
