// Reading a JSON file people write by hand (a config, a dataset): a missing file or a
// syntax error is one line, the latter with the line and column an editor shows.
import { readFileSync } from 'node:fs';

/** A file that cannot be read, or is not JSON; the message names the file and the place. */
export class JsonFileError extends Error {}

/** The text of `path`; `what` names the file in the error ("config file"). */
export function readTextFile(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new JsonFileError(error.code === 'ENOENT' ? `${path}: no such ${what}` : `${path}: cannot read the ${what} (${error.code ?? error.message})`);
  }
}

export function readJsonFile(path, what) {
  const source = readTextFile(path, what);
  try {
    return JSON.parse(source);
  } catch (error) {
    // Node 20: "Expected ',' or '}' after property value in JSON at position 42".
    const position = Number(/at position (\d+)/.exec(error.message)?.[1] ?? source.length);
    const before = source.slice(0, position);
    const line = before.split('\n').length;
    const column = [...before.slice(before.lastIndexOf('\n') + 1)].length + 1;
    const reason = error.message.replace(/ in JSON at position \d+.*$/s, '');
    throw new JsonFileError(`${path}: line ${line}, column ${column}: not valid JSON (${reason})`);
  }
}
