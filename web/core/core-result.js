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

function parseCoreReply(jsonText) {
  let result;
  try {
    result = JSON.parse(jsonText);
  } catch {
    throw new KefuError('core_bad_reply', 'the core answered text that is not JSON');
  }
  if (result && result.ok === true) return result;
  const error = (result && result.error) || {};
  throw new KefuError(String(error.code || 'core_error'), String(error.message || 'the core reported an error'));
}
