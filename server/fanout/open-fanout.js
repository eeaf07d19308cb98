// Opens the fan-out bus the configuration names (`fanout.kind`, docs/deploy.md).
import { LocalFanout } from './local-fanout.js';
import { RedisFanout } from './redis-fanout.js';

/** @returns {Promise<LocalFanout|RedisFanout>} */
export async function openFanout(config) {
  return config.fanout.kind === 'redis' ? RedisFanout.open(config.fanout.url) : new LocalFanout();
}
