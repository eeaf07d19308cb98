// The CLI's input files. A missing file or a dataset's JSON syntax error is one line
// (server/json-file.js); a KB's syntax errors come from the core, with line and column.
import { readJsonFile, readTextFile } from '../server/json-file.js';

export const readKnowledgeBaseFile = (path) => readTextFile(path, 'knowledge base file');
export const readDatasetFile = (path) => readJsonFile(path, 'dataset file');

/** A core error about the KB read from `path`, as one line: "<path>: <code>: <message>". */
export function aboutFile(path, error) {
  return error?.code?.startsWith('kb_') ? new Error(`${path}: ${error.code}: ${error.message}`) : error;
}
