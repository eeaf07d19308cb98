// The visitor's address for the per-IP limits. Behind a reverse proxy every socket
// comes from the proxy, which appends the address it saw to X-Forwarded-For. Entries are
// read from the right: each one a trusted proxy (config `trustProxy`) added is taken
// as the next hop; the first address no trusted proxy vouches for is the client. Anything
// further left was written by the client and could be forged.
import { isIP } from 'node:net';

// ::ffff:127.0.0.1 is how a dual-stack socket reports an IPv4 peer.
function plain(address) {
  const text = String(address ?? '').trim();
  return text.startsWith('::ffff:') && isIP(text.slice(7)) === 4 ? text.slice(7) : text;
}

/** Whether a socket's peer is one of the proxies in `trustProxy`. */
export function isTrustedProxy(address, trustProxy) {
  return (trustProxy ?? []).some((proxy) => plain(proxy) === plain(address));
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {string[]} trustProxy addresses of the proxies whose X-Forwarded-For is believed
 */
export function clientAddress(request, trustProxy) {
  const trusted = new Set((trustProxy ?? []).map(plain));
  let address = plain(request.socket.remoteAddress);
  const header = request.headers['x-forwarded-for'];
  if (!trusted.has(address) || typeof header !== 'string') return address;
  const hops = header.split(',').map(plain);
  while (trusted.has(address) && hops.length > 0) {
    const next = hops.pop();
    if (isIP(next) === 0) break; // a malformed entry: keep the last address known good
    address = next;
  }
  return address;
}
