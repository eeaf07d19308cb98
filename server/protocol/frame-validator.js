// Protocol v1 frame validation for the server, a JS twin of the core's table-driven
// validator (wasm/protocol/frame.cpp): the wasm module exposes no validator, and the
// server must not need the browser core to parse a frame. Both are held to the same
// examples in shared/protocol/fixtures.json (tests/server/frame-validator.test.js).

export const PROTOCOL_VERSION = 1;

/** Protocol v1 limits (docs/protocol.md); `maxTextChars` may be lowered per site. */
export const PROTOCOL_LIMITS = Object.freeze({
  maxFrameBytes: 64 * 1024,
  maxDepth: 32,
  maxTextChars: 4000,
  maxIdChars: 128,
  maxResyncMessages: 500,
  maxFormFields: 20,
});

const MAX_SAFE_COUNT = Number.MAX_SAFE_INTEGER;

// One row per frame type: [field, kind, required].
const FRAME_RULES = {
  toServer: {
    hello: [['v', 'version', true], ['siteId', 'id', true], ['visitorId', 'id', true], ['epoch', 'id', true], ['sessionToken', 'nullableId', true], ['lastSeq', 'count', true], ['locale', 'id', false], ['identity', 'identity', false]],
    message: [['cmid', 'id', true], ['cseq', 'count', true], ['text', 'text', true], ['clientTime', 'count', true], ['bot', 'botTurn', false]],
    handoff: [['reason', 'handoffReason', true]],
    read: [['upToSeq', 'count', true]],
    typing: [['on', 'boolean', true]],
    rate: [['stars', 'stars', true], ['comment', 'optionalText', false]],
    ticket: [['cmid', 'id', true], ['message', 'text', true], ['contact', 'optionalText', true]],
    prechat: [['fields', 'formFields', true]],
    resync: [['afterSeq', 'count', true]],
    ping: [['t', 'count', true]],
  },
  toClient: {
    welcome: [['v', 'version', true], ['sessionToken', 'id', true], ['conversationId', 'id', true], ['lastSeq', 'count', true], ['nextCseq', 'count', true], ['state', 'id', true], ['agentsOnline', 'boolean', true], ['preChatForm', 'boolean', false]],
    ack: [['cmid', 'id', true], ['cseq', 'count', true], ['seq', 'count', true], ['serverId', 'id', true]],
    nack: [['cmid', 'id', true], ['expectedCseq', 'count', true]],
    msg: [['seq', 'count', true], ['serverId', 'id', true], ['author', 'author', true], ['text', 'text', true], ['time', 'count', true], ['name', 'optionalText', false], ['cmid', 'id', false], ['replyTo', 'id', false]],
    event: [['event', 'eventName', true]],
    resync: [['messages', 'messages', true], ['lastSeq', 'count', true], ['more', 'boolean', true]],
    error: [['code', 'id', true], ['message', 'optionalText', true], ['retryAfterMs', 'count', false], ['cmid', 'id', false]],
    pong: [['t', 'count', true]],
  },
};

const EVENT_RULES = {
  queued: [['position', 'count', true], ['etaSeconds', 'count', false]],
  agent_joined: [['name', 'text', true]],
  agent_left: [['name', 'text', true]],
  typing: [['on', 'boolean', true]],
  read: [['upToSeq', 'count', true]],
  ended: [['by', 'endedBy', true]],
  rating_requested: [],
  returned_to_bot: [],
  offline: [['hours', 'optionalText', false]],
  ticket_created: [['cmid', 'id', true], ['ticketId', 'id', true]],
};

const IDENTITY_RULE = [['id', 'id', false], ['name', 'optionalText', false], ['email', 'optionalText', false], ['hash', 'id', false]];
const BOT_TURN_RULE = [['tier', 'tier', true], ['faqId', 'id', false], ['answer', 'optionalText', false]];
const CHOICES = {
  author: ['visitor', 'bot', 'agent', 'system'],
  tier: ['answer', 'suggest', 'handoff'],
  handoffReason: ['visitor', 'keyword', 'unanswered'],
  endedBy: ['agent', 'visitor', 'system'],
};

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
  for (const [name, kind, required] of rule) {
    const path = prefix + name;
    if (!Object.hasOwn(object, name)) {
      if (required) return invalid(path, 'is required');
      continue;
    }
    const problem = checkValue(object[name], kind, path, limits);
    if (problem) return problem;
  }
  return null;
}

function checkValue(v, kind, path, limits) {
  const { maxIdChars, maxTextChars, maxFormFields, maxResyncMessages } = limits;
  switch (kind) {
    case 'id':
      return textWithin(v, maxIdChars, false) ? null : invalid(path, `must be a non-empty string of at most ${maxIdChars} characters`);
    case 'nullableId':
      return v === null ? null : checkValue(v, 'id', path, limits);
    case 'text':
      return textWithin(v, maxTextChars, false) ? null : invalid(path, `must be non-empty text of at most ${maxTextChars} characters`);
    case 'optionalText':
      return textWithin(v, maxTextChars, true) ? null : invalid(path, `must be text of at most ${maxTextChars} characters`);
    case 'count':
      return Number.isInteger(v) && v >= 0 && v <= MAX_SAFE_COUNT ? null : invalid(path, 'must be a whole number from 0 to 2^53');
    case 'boolean':
      return typeof v === 'boolean' ? null : invalid(path, 'must be true or false');
    case 'stars':
      return Number.isInteger(v) && v >= 1 && v <= 5 ? null : invalid(path, 'must be a whole number from 1 to 5');
    case 'version':
      if (!Number.isInteger(v)) return invalid(path, 'must be the protocol version number');
      return v === PROTOCOL_VERSION ? null : { code: 'frame_unsupported_version', message: `this peer speaks protocol v${PROTOCOL_VERSION}` };
    case 'author':
    case 'tier':
    case 'handoffReason':
    case 'endedBy':
      return CHOICES[kind].includes(v) ? null : invalid(path, `must be ${CHOICES[kind].join(', ')}`);
    case 'identity':
      return isPlainObject(v) ? checkFields(v, IDENTITY_RULE, `${path}.`, limits) : invalid(path, 'must be an object');
    case 'botTurn': {
      if (!isPlainObject(v)) return invalid(path, 'must be an object');
      const problem = checkFields(v, BOT_TURN_RULE, `${path}.`, limits);
      if (problem || !Object.hasOwn(v, 'candidates')) return problem;
      if (!Array.isArray(v.candidates) || v.candidates.length > 10) return invalid(`${path}.candidates`, 'must be an array of at most 10 ids');
      for (const id of v.candidates) {
        const idProblem = checkValue(id, 'id', `${path}.candidates[]`, limits);
        if (idProblem) return idProblem;
      }
      return null;
    }
    case 'formFields':
      if (!isPlainObject(v) || Object.keys(v).length > maxFormFields) return invalid(path, `must be an object of at most ${maxFormFields} text fields`);
      for (const [key, fieldValue] of Object.entries(v)) {
        // The C++ side measures field names in bytes.
        if (key === '' || Buffer.byteLength(key) > maxIdChars) return invalid(path, 'has a field with an empty or over-long name');
        const problem = checkValue(fieldValue, 'optionalText', `${path}.${key}`, limits);
        if (problem) return problem;
      }
      return null;
    case 'messages':
      if (!Array.isArray(v) || v.length > maxResyncMessages) return invalid(path, `must be an array of at most ${maxResyncMessages} messages`);
      for (let i = 0; i < v.length; i += 1) {
        if (!isPlainObject(v[i])) return invalid(`${path}[${i}]`, 'must be an object');
        const problem = checkFields(v[i], FRAME_RULES.toClient.msg, `${path}[${i}].`, limits);
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
