// Protocol v1 frame validation for the server, a JS twin of the core's validator
// (wasm/protocol/frame.cpp): the wasm module exposes no validator, and the server must not
// need the browser core to parse a frame. Both read the same rules,
// shared/protocol/protocol-v1.rules.json (the core through tables generated from it, the
// server directly, as it starts), and are held to the same examples in
// shared/protocol/fixtures.json (tests/server/frame-validator.test.js).
import { readFileSync } from 'node:fs';

const RULES = JSON.parse(readFileSync(new URL('../../shared/protocol/protocol-v1.rules.json', import.meta.url), 'utf8'));

export const PROTOCOL_VERSION = RULES.version;

/** Protocol v1 limits (docs/protocol.md); `maxTextChars` may be lowered per site. */
export const PROTOCOL_LIMITS = Object.freeze(Object.fromEntries(Object.entries(RULES.limits).map(([name, limit]) => [name, limit.default])));

const MAX_SAFE_COUNT = Number.MAX_SAFE_INTEGER;

// A rules file's field list as the checks read it: [{name, kind, required, ...what the kind
// needs}]. Enums and objects of the rules file become kinds 'choice' and 'object'.
function resolveFields(fields) {
  return fields.map((field) => {
    const resolved = { name: field.name, kind: field.type, required: !field.optional };
    if (Object.hasOwn(RULES.enums, field.type)) return { ...resolved, kind: 'choice', choices: RULES.enums[field.type] };
    if (Object.hasOwn(RULES.objects, field.type)) return { ...resolved, kind: 'object', fields: resolveFields(RULES.objects[field.type].fields) };
    if (!Object.hasOwn(RULES.types, field.type)) throw new Error(`protocol rules: field "${field.name}" has unknown type "${field.type}"`);
    return field.type === 'idList' ? { ...resolved, maxItems: field.maxItems } : resolved;
  });
}

const resolveRules = (rules) => Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, resolveFields(rule.fields)]));
const FRAME_RULES = { toServer: resolveRules(RULES.toServer), toClient: resolveRules(RULES.toClient) };
const EVENT_RULES = resolveRules(RULES.events);
// The fields a resync page's messages hold.
const MESSAGE_RULE = FRAME_RULES.toClient.msg;

// Checks return null or the first problem found, {code, message}.
const invalid = (path, problem) => ({ code: 'frame_invalid', message: `${path}: ${problem}` });

// Code points, as the protocol counts text (not UTF-16 units, not bytes).
function codePointLength(text) {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

// Nesting depth by a scan of the raw text, so a hostile frame is refused before
// JSON.parse builds anything from it.
function exceedsDepth(text, maxDepth) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function textWithin(value, maxChars, allowEmpty) {
  return typeof value === 'string' && (allowEmpty || value !== '') && codePointLength(value) <= maxChars;
}

function checkFields(object, rule, prefix, limits) {
  for (const field of rule) {
    const path = prefix + field.name;
    if (!Object.hasOwn(object, field.name)) {
      if (field.required) return invalid(path, 'is required');
      continue;
    }
    const problem = checkValue(object[field.name], field, path, limits);
    if (problem) return problem;
  }
  return null;
}

const checkId = (v, path, { maxIdChars }) => (textWithin(v, maxIdChars, false) ? null : invalid(path, `must be a non-empty string of at most ${maxIdChars} characters`));
const checkOptionalText = (v, path, { maxTextChars }) => (textWithin(v, maxTextChars, true) ? null : invalid(path, `must be text of at most ${maxTextChars} characters`));

function checkValue(v, field, path, limits) {
  const { maxIdChars, maxTextChars, maxFormFields, maxResyncMessages } = limits;
  switch (field.kind) {
    case 'id':
      return checkId(v, path, limits);
    case 'nullableId':
      return v === null ? null : checkId(v, path, limits);
    case 'text':
      return textWithin(v, maxTextChars, false) ? null : invalid(path, `must be non-empty text of at most ${maxTextChars} characters`);
    case 'optionalText':
      return checkOptionalText(v, path, limits);
    case 'count':
      return Number.isInteger(v) && v >= 0 && v <= MAX_SAFE_COUNT ? null : invalid(path, 'must be a whole number from 0 to 2^53');
    case 'boolean':
      return typeof v === 'boolean' ? null : invalid(path, 'must be true or false');
    case 'stars':
      return Number.isInteger(v) && v >= 1 && v <= 5 ? null : invalid(path, 'must be a whole number from 1 to 5');
    case 'version':
      if (!Number.isInteger(v)) return invalid(path, 'must be the protocol version number');
      return v === PROTOCOL_VERSION ? null : { code: 'frame_unsupported_version', message: `this peer speaks protocol v${PROTOCOL_VERSION}` };
    case 'choice':
      return field.choices.includes(v) ? null : invalid(path, `must be ${field.choices.join(', ')}`);
    case 'object':
      return isPlainObject(v) ? checkFields(v, field.fields, `${path}.`, limits) : invalid(path, 'must be an object');
    case 'idList':
      if (!Array.isArray(v) || v.length > field.maxItems) return invalid(path, `must be an array of at most ${field.maxItems} ids`);
      for (const id of v) {
        const problem = checkId(id, `${path}[]`, limits);
        if (problem) return problem;
      }
      return null;
    case 'textFields':
      if (!isPlainObject(v) || Object.keys(v).length > maxFormFields) return invalid(path, `must be an object of at most ${maxFormFields} text fields`);
      for (const [key, fieldValue] of Object.entries(v)) {
        // The C++ side measures field names in bytes.
        if (key === '' || Buffer.byteLength(key) > maxIdChars) return invalid(path, 'has a field with an empty or over-long name');
        const problem = checkOptionalText(fieldValue, `${path}.${key}`, limits);
        if (problem) return problem;
      }
      return null;
    case 'messages':
      if (!Array.isArray(v) || v.length > maxResyncMessages) return invalid(path, `must be an array of at most ${maxResyncMessages} messages`);
      for (let i = 0; i < v.length; i += 1) {
        if (!isPlainObject(v[i])) return invalid(`${path}[${i}]`, 'must be an object');
        const problem = checkFields(v[i], MESSAGE_RULE, `${path}[${i}].`, limits);
        if (problem) return problem;
      }
      return null;
    case 'eventName':
      return typeof v === 'string' ? null : invalid(path, 'must be a string');
    default:
      return invalid(path, 'has an unknown kind');
  }
}

/**
 * Checks a parsed frame. `direction` is 'toServer' (what a visitor may send) or
 * 'toClient' (what the server may send).
 * @returns {{code: string, message: string} | null}
 */
export function frameError(frame, direction, limits = PROTOCOL_LIMITS) {
  if (!isPlainObject(frame)) return invalid('frame', 'must be a JSON object');
  if (typeof frame.type !== 'string') return invalid('type', 'must be a string');
  const rule = Object.hasOwn(FRAME_RULES[direction], frame.type) ? FRAME_RULES[direction][frame.type] : null;
  if (!rule) return { code: 'frame_unknown_type', message: `no ${direction === 'toServer' ? 'client' : 'server'} frame has type "${frame.type}"` };
  const problem = checkFields(frame, rule, '', limits);
  if (problem || frame.type !== 'event') return problem;
  const eventRule = Object.hasOwn(EVENT_RULES, frame.event) ? EVENT_RULES[frame.event] : null;
  return eventRule ? checkFields(frame, eventRule, '', limits) : invalid('event', `unknown event "${frame.event}"`);
}

/**
 * Parses and checks the text of one WebSocket message.
 * @returns {{frame: object} | {error: {code: string, message: string}}}
 */
export function parseFrame(text, direction, limits = PROTOCOL_LIMITS) {
  if (Buffer.byteLength(text) > limits.maxFrameBytes) {
    return { error: { code: 'frame_too_large', message: `frames are at most ${limits.maxFrameBytes} bytes` } };
  }
  if (exceedsDepth(text, limits.maxDepth)) {
    return { error: { code: 'frame_too_deep', message: `frames nest at most ${limits.maxDepth} levels` } };
  }
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return { error: { code: 'frame_invalid_json', message: 'frame: not valid JSON' } };
  }
  const error = frameError(frame, direction, limits);
  return error ? { error } : { frame };
}
