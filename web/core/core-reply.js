import { KefuError } from './kefu-error.js';
import { SendEffect } from './send-effect.js';

// The one reader of what the core answers across the boundary (its one writer is
// wasm/api/replies.cpp; docs/architecture.md draws both). Three text formats:
// - a result: JSON, {"ok":true,...} or {"ok":false,"error":{"code","message"}};
// - effects: an event's reply, lines tagged by a letter (wasm/session/effects.h);
// - ranks: FaqApi.matchRanks' reply, "<tier>" then a line per candidate.
// This is the only place that turns the core's errors into a thrown KefuError.

/** A result's members (without `ok`), or its error thrown as a KefuError. */
export function unwrapCoreResult(jsonText) {
  const result = parseCoreJson(jsonText);
  delete result.ok;
  return result;
}

/**
 * The reply to an event (docs/session.md, "Effects across the boundary"): an optional
 * JSON header line, then one line per effect, tagged with a letter. The effects are made
 * here from their tags, so the hot path runs JSON.parse only for a notify's detail; a
 * send effect's frame is parsed the first time something reads `frame` (the transport
 * sends `frameText` as it is).
 * @returns {object[]} the effects
 */
export function unwrapCoreEffects(text) {
  // Replies to events have no header: they start with their first effect's '\n'.
  if (text === '' || text.charCodeAt(0) === 10) return readEffects(text, 0);
  return readEffectsReply(text).effects;
}

/** unwrapCoreEffects with the header's members beside `effects` (restore's restoreError). */
export function unwrapCoreEffectsReply(text) {
  return readEffectsReply(text);
}

function readEffectsReply(text) {
  let at = text.indexOf('\n');
  if (at < 0) at = text.length;
  const result = at === 0 ? {} : parseCoreJson(text.slice(0, at));
  delete result.ok;
  result.effects = readEffects(text, at);
  return result;
}

function parseCoreJson(text) {
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    throw new KefuError('core_bad_reply', 'the core answered text that is not JSON');
  }
  if (!result || result.ok !== true) {
    const error = (result && result.error) || {};
    throw new KefuError(String(error.code || 'core_error'), String(error.message || 'the core reported an error'));
  }
  return result;
}

function badLine(text, start) {
  const end = text.indexOf('\n', start);
  return new KefuError('core_bad_reply', `the core answered an effect this wrapper cannot read: ${text.slice(start, end < 0 ? start + 40 : Math.min(end, start + 40))}`);
}

// The decimal number in text[start, end), or -1 if there is none. Read here rather than by
// Number(text.slice()): no string per number.
function readNumber(text, start, end) {
  if (start >= end || end - start > 15) return -1;
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

// `at` is the index of the '\n' before the first effect line (or the text's length). One
// loop with indexOf, no closure: this runs for every event.
function readEffects(text, at) {
  const effects = [];
  const length = text.length;
  while (at < length) {
    const start = at + 1;
    at = text.indexOf('\n', start);
    if (at < 0) at = length;
    switch (text.charCodeAt(start)) {
      case 115: // s: a frame to send, its JSON text
        effects.push(new SendEffect(text.slice(start + 1, at)));
        break;
      case 97: {
        // a<n>: n records to append follow, a line each
        const count = readNumber(text, start + 1, at);
        if (count < 0) throw badLine(text, start);
        const records = new Array(count);
        for (let i = 0; i < count; i += 1) {
          if (at >= length) throw new KefuError('core_bad_reply', 'the core answered fewer lines than its effects take');
          const recordStart = at + 1;
          at = text.indexOf('\n', recordStart);
          if (at < 0) at = length;
          records[i] = text.slice(recordStart, at);
        }
        effects.push({ type: 'persist', append: records });
        break;
      }
      case 112: {
        // p: a snapshot follows on the next line
        if (at >= length) throw new KefuError('core_bad_reply', 'the core answered fewer lines than its effects take');
        const snapshotStart = at + 1;
        at = text.indexOf('\n', snapshotStart);
        if (at < 0) at = length;
        effects.push({ type: 'persist', snapshot: text.slice(snapshotStart, at) });
        break;
      }
      case 119: {
        // w<at>
        const wakeAt = readNumber(text, start + 1, at);
        if (wakeAt < 0) throw badLine(text, start);
        effects.push({ type: 'wake', at: wakeAt });
        break;
      }
      case 114: // r
        effects.push({ type: 'render' });
        break;
      case 99: // c
        effects.push({ type: 'connect' });
        break;
      case 100: // d
        effects.push({ type: 'disconnect' });
        break;
      case 117: {
        // u<count>: notify unread, the commonest notice
        const count = readNumber(text, start + 1, at);
        if (count < 0) throw badLine(text, start);
        effects.push({ type: 'notify', event: 'unread', detail: { count } });
        break;
      }
      case 110: {
        // n<event> <detail JSON>
        const space = text.indexOf(' ', start);
        if (space < 0 || space > at) throw badLine(text, start);
        let detail;
        try {
          detail = JSON.parse(text.slice(space + 1, at));
        } catch {
          throw badLine(text, start);
        }
        effects.push({ type: 'notify', event: text.slice(start + 1, space), detail });
        break;
      }
      default:
        throw badLine(text, start);
    }
  }
  return effects;
}

/**
 * A matchRanks reply (wasm/api/faq_api.h): "<tier>", then per candidate "\n<entry index>
 * <score>", followed by " " and the entry's {"id","question","answer"} the first time
 * the core ranks it after a load; or an error result. `entries` keeps the entries sent,
 * by index, from call to call.
 * @returns {{tier: string, candidates: {id: string, question: string, answer: string, score: number}[]}}
 */
export function unwrapCoreRanks(reply, entries) {
  if (reply.charCodeAt(0) === 123 /* '{': an error result */) return unwrapCoreResult(reply);
  const lines = reply.split('\n');
  const candidates = [];
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i];
    const indexEnd = line.indexOf(' ');
    const scoreEnd = line.indexOf(' ', indexEnd + 1);
    const index = Number(line.slice(0, indexEnd));
    if (scoreEnd >= 0) entries[index] = JSON.parse(line.slice(scoreEnd + 1));
    const entry = entries[index];
    if (entry === undefined) throw new KefuError('core_bad_reply', `the core ranked entry ${index} without ever sending it`);
    const { id, question, answer } = entry;
    candidates.push({ id, question, answer, score: Number(scoreEnd >= 0 ? line.slice(indexEnd + 1, scoreEnd) : line.slice(indexEnd + 1)) });
  }
  return { tier: lines[0], candidates };
}
