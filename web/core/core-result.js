import { KefuError } from './kefu-error.js';

/**
 * Every raw core method answers JSON text: {"ok":true,...} or
 * {"ok":false,"error":{"code","message"}}. This is the only place that turns the
 * latter into a thrown KefuError, so the mapping lives in exactly one function.
 */
export function unwrapCoreResult(jsonText) {
  const result = parseCoreReply(jsonText);
  delete result.ok;
  return result;
}

/**
 * unwrapCoreResult(jsonText).effects for the replies to events, the hot path: the same
 * errors, without copying or reshaping the reply object.
 */
export function unwrapCoreEffects(jsonText) {
  return parseCoreReply(jsonText).effects;
}

function parseCoreReply(text) {
  // A reply to an event carries the records and snapshots to persist after its JSON, one
  // per line (JSON text has no raw newline): the persist effects say how many lines they
  // take ({append: n} or {snapshot: 1}) and get them back here, as strings, so nothing
  // is escaped by the core or unescaped by JSON.parse.
  const end = text.indexOf('\n');
  let result;
  try {
    result = JSON.parse(end < 0 ? text : text.slice(0, end));
  } catch {
    throw new KefuError('core_bad_reply', 'the core answered text that is not JSON');
  }
  if (!result || result.ok !== true) {
    const error = (result && result.error) || {};
    throw new KefuError(String(error.code || 'core_error'), String(error.message || 'the core reported an error'));
  }
  if (end >= 0) fillPersistEffects(result.effects, text, end);
  return result;
}

function fillPersistEffects(effects, text, end) {
  let at = end;
  const nextLine = () => {
    const start = at + 1;
    at = text.indexOf('\n', start);
    if (at < 0) at = text.length;
    return text.slice(start, at);
  };
  for (const effect of effects) {
    if (effect.type !== 'persist') continue;
    if (typeof effect.snapshot === 'number') {
      effect.snapshot = nextLine();
    } else {
      const records = [];
      for (let i = 0; i < effect.append; i += 1) records.push(nextLine());
      effect.append = records;
    }
  }
}
