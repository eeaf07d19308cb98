// Identity verification: a site proves that a visitor really is its user `id` by
// sending hash = HMAC-SHA256(site secret, id) in hex, computed on its own server. An
// unsigned or wrongly signed identity is not an error — the visitor is simply
// anonymous, so a forged id can never read another user's conversations.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signUserId(secret, userId) {
  return createHmac('sha256', secret).update(String(userId), 'utf8').digest('hex');
}

/**
 * @param {{id?: unknown, name?: unknown, email?: unknown, hash?: unknown}|undefined} claimed
 * @param {string|undefined} siteSecret
 * @returns {{verified: true, userId: string, name?: string, email?: string} | {verified: false}}
 */
export function verifyIdentity(claimed, siteSecret) {
  if (!siteSecret || !claimed || typeof claimed.id !== 'string' || claimed.id === '' || typeof claimed.hash !== 'string') {
    return { verified: false };
  }
  const expected = Buffer.from(signUserId(siteSecret, claimed.id), 'hex');
  const given = Buffer.from(claimed.hash.toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { verified: false };
  const identity = { verified: true, userId: claimed.id };
  if (typeof claimed.name === 'string') identity.name = claimed.name.slice(0, 100);
  if (typeof claimed.email === 'string') identity.email = claimed.email.slice(0, 200);
  return identity;
}
