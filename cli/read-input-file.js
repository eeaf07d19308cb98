// The CLI's input files. A missing file or a dataset's JSON syntax error is one line
// (server/json-file.js); a KB's syntax errors come from the core, with line and column.
import { readJsonFile, readTextFile } from '../server/json-file.js';

export const readKnowledgeBaseFile = (path) => readTextFile(path, 'knowledge base file');
export const readDatasetFile = (path) => readJsonFile(path, 'dataset file');

/** A core error about the KB read from `path`, its message prefixed with the path. */
export function aboutFile(path, error) {
  if (error?.code?.startsWith('kb_')) error.message = `${path}: ${error.message}`;
  return error;
}
