import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signUserId, verifyIdentity } from '../../server/security/identity.js';
import { RateLimiter } from '../../server/security/rate-limiter.js';
import { isOriginAllowed } from '../../server/security/origins.js';

test('a correctly signed identity is verified; anything else is anonymous', () => {
  const secret = 'site-secret';
  const hash = signUserId(secret, 'user-42');
  assert.deepEqual(verifyIdentity({ id: 'user-42', hash, name: '王小明' }, secret), { verified: true, userId: 'user-42', name: '王小明' });
  assert.equal(verifyIdentity({ id: 'user-42', hash: hash.toUpperCase() }, secret).verified, true);
  assert.equal(verifyIdentity({ id: 'user-43', hash }, secret).verified, false);
  assert.equal(verifyIdentity({ id: 'user-42' }, secret).verified, false);
  assert.equal(verifyIdentity({ id: 'user-42', hash: 'zz' }, secret).verified, false);
  assert.equal(verifyIdentity({ id: 'user-42', hash }, undefined).verified, false);
  assert.equal(verifyIdentity({ id: 'user-42', hash: signUserId('other-secret', 'user-42') }, secret).verified, false);
  assert.equal(verifyIdentity(undefined, secret).verified, false);
});

test('the HMAC matches the documented recipe (HMAC-SHA256 hex of the user id)', () => {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  assert.equal(signUserId('Jefe', 'what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('the rate limiter allows a burst, then refills over time', () => {
  const limiter = new RateLimiter({ burst: 3, perMinute: 60 });
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.allow('v1', 0)), [true, true, true, false]);
  assert.equal(limiter.allow('v2', 0), true, 'keys are independent');
  assert.equal(limiter.allow('v1', 999), false);
  assert.equal(limiter.allow('v1', 1000), true);
});

test('the rate limiter stays bounded when keys rotate', () => {
  const limiter = new RateLimiter({ burst: 2, perMinute: 60, maxKeys: 100 });
  for (let i = 0; i < 10_000; i += 1) limiter.allow(`ip-${i}`, i);
  assert.ok(limiter.size <= 100, `size ${limiter.size}`);
});

test('origins must match the site list exactly or by wildcard subdomain', () => {
  const allowed = ['https://shop.example.com', 'https://*.example.cn', 'http://localhost:8080'];
  assert.equal(isOriginAllowed('https://shop.example.com', allowed), true);
  assert.equal(isOriginAllowed('https://SHOP.example.com:443', allowed), true);
  assert.equal(isOriginAllowed('https://m.example.cn', allowed), true);
  assert.equal(isOriginAllowed('http://localhost:8080', allowed), true);
  assert.equal(isOriginAllowed('https://example.cn', allowed), false);
  assert.equal(isOriginAllowed('https://evil-example.cn', allowed), false);
  assert.equal(isOriginAllowed('http://shop.example.com', allowed), false);
  assert.equal(isOriginAllowed('https://shop.example.com.evil.io', allowed), false);
  assert.equal(isOriginAllowed('null', allowed), false);
  assert.equal(isOriginAllowed(undefined, allowed), false);
});
