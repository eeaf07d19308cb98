import { KefuError } from './kefu-error.js';

// The types Embind would otherwise reject with its own, less clear, error; ranges are the core's.
export function checkTextAndK(notTextMessage, text, k) {
  if (typeof text !== 'string') throw new KefuError('invalid_argument', notTextMessage);
  if (!Number.isInteger(k)) throw new KefuError('invalid_argument', 'k must be an integer');
}
