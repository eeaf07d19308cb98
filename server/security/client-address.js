// The address the per-IP limits key on. Behind a reverse proxy (`trustProxy`) every
// socket comes from the proxy, which appends the address it saw last to
// X-Forwarded-For; anything before that entry the client could forge.
export function clientAddress(request, trustProxy) {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1).trim() : '';
  return last || request.socket.remoteAddress;
}
