import { KefuError } from './kefu-error.js';

/**
 * Every raw core method answers JSON text: {"ok":true,...} or
 * {"ok":false,"error":{"code","message"}}. This is the only place that turns the
 * latter into a thrown KefuError, so the mapping lives in exactly one function.
 */
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

/**
 * A send effect, {type: 'send', frame}, whose frame is JSON text until read: the shell's
 * transport sends `frameText` as it is, and parsing every frame only to stringify it
 * again cost more than the rest of the reply.
 */
class SendEffect {
  #frame;

  constructor(frameText) {
    this.type = 'send';
    this.frameText = frameText;
  }

  get frame() {
    if (this.#frame === undefined) this.#frame = JSON.parse(this.frameText);
    return this.#frame;
  }

  toJSON() {
    return { type: 'send', frame: this.frame };
  }
}

function badLine(line) {
  return new KefuError('core_bad_reply', `the core answered an effect this wrapper cannot read: ${line.slice(0, 40)}`);
}

// `at` is the index of the '\n' before the first effect line (or the text's length).
function readEffects(text, at) {
  const effects = [];
  const nextLine = () => {
    if (at >= text.length) throw new KefuError('core_bad_reply', 'the core answered fewer lines than its effects take');
    const start = at + 1;
    at = text.indexOf('\n', start);
    if (at < 0) at = text.length;
    return text.slice(start, at);
  };
  while (at < text.length) {
    const line = nextLine();
    switch (line.charCodeAt(0)) {
      case 115: // s: a frame to send, its JSON text
        effects.push(new SendEffect(line.slice(1)));
        break;
      case 97: {
        // a<n>: n records to append follow, a line each
        const count = Number(line.slice(1));
        if (!Number.isSafeInteger(count) || count < 0) throw badLine(line);
        const records = new Array(count);
        for (let i = 0; i < count; i += 1) records[i] = nextLine();
        effects.push({ type: 'persist', append: records });
        break;
      }
      case 112: // p: a snapshot follows on the next line
        effects.push({ type: 'persist', snapshot: nextLine() });
        break;
      case 119: {
        // w<at>
        const wakeAt = Number(line.slice(1));
        if (!Number.isSafeInteger(wakeAt)) throw badLine(line);
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
      case 110: {
        // n<event> <detail JSON>
        const space = line.indexOf(' ');
        if (space < 0) throw badLine(line);
        let detail;
        try {
          detail = JSON.parse(line.slice(space + 1));
        } catch {
          throw badLine(line);
        }
        effects.push({ type: 'notify', event: line.slice(1, space), detail });
        break;
      }
      default:
        throw badLine(line);
    }
  }
  return effects;
}
