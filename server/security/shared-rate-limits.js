// Rate limits shared by every server instance (`fanout: {kind: "redis"}`): the same token
// buckets as rate-limiter.js, kept in Redis so a visitor (or an address) gets one budget
// however their sockets are spread over instances. A bucket is one Redis hash updated
// by one Lua script (atomic, one round trip) and expires once it would be full again.
// While Redis is unreachable each instance falls back to its own in-memory buckets:
// limits stay on (per instance) and nobody waits on a dead Redis.
import Redis from 'ioredis';
import { RateLimiter } from './rate-limiter.js';

// KEYS[1] bucket; ARGV burst, tokens per ms, now (ms). Returns 1 when a token was taken.
const TAKE_TOKEN = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return taken
`;

export class SharedRateLimits {
  #client;

  /** @param {string} url redis://host:port */
  constructor(url) {
    // No offline queue: while Redis is away a command fails at once and the local
    // bucket decides, instead of the visitor's frame waiting for Redis to return.
    this.#client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 100, 2000) });
    this.#client.on('error', () => {});
    this.#client.defineCommand('kefuTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN });
  }

  /**
   * A limiter with RateLimiter's settings whose `allow(key, now)` resolves to true when
   * the request may proceed (and took a token from the shared bucket).
   */
  limiter(name, { burst, perMinute }) {
    const fallback = new RateLimiter({ burst, perMinute });
    const perMs = perMinute / 60_000;
    const client = this.#client;
    return {
      async allow(key, now) {
        try {
          return (await client.kefuTakeToken(`kefu:rate:${name}:${key}`, burst, perMs, now)) === 1;
        } catch {
          return fallback.allow(key, now);
        }
      },
    };
  }

  dispose() {
    this.#client.disconnect();
  }
}
