// The node suites run once per core build (sql.js style): KEFU_CORE_BUILD picks it.
import { readFileSync } from 'node:fs';

export const coreBuild = process.env.KEFU_CORE_BUILD ?? 'release';

export function readRepoText(relativePath) {
  return readFileSync(new URL(`../../${relativePath}`, import.meta.url), 'utf8');
}
