// Console passwords, hashed with scrypt (node:crypto). The parameters are stored with
// each hash, named, so a later change of cost applies to new passwords while the old
// ones still verify with the cost they were made with.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// N = 2^14, r = 8, p = 1: the scrypt paper's cost for interactive logins (16 MiB per
// check), slow enough to make a stolen hash expensive to guess, quick enough to log in.
export const SCRYPT_PARAMETERS = Object.freeze({ algorithm: 'scrypt', N: 16384, r: 8, p: 1, keyLength: 32 });
const SALT_BYTES = 16;

function derive(password, salt, { N, r, p, keyLength }) {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128·N·r bytes, or scrypt refuses the parameters.
    scrypt(String(password).normalize('NFC'), salt, keyLength, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** {algorithm, N, r, p, keyLength, salt, hash} with salt and hash in base64. */
export async function hashPassword(password, parameters = SCRYPT_PARAMETERS) {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters);
  return { ...parameters, salt: salt.toString('base64'), hash: key.toString('base64') };
}

/** Whether `password` is the one `stored` was made from (false for a malformed record). */
export async function verifyPassword(password, stored) {
  if (!stored || stored.algorithm !== 'scrypt' || typeof password !== 'string') return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
