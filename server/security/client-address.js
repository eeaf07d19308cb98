// The address the per-IP limits count a socket under. Behind a reverse proxy
// (config trustProxy) every socket comes from the proxy: the proxy appends the address
// it saw last to X-Forwarded-For, and anything before it the client could forge.
export function clientAddress(request, trustProxy) {
  const forwarded = trustProxy ? request.headers['x-forwarded-for'] : undefined;
  const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1).trim() : '';
  return last || request.socket.remoteAddress;
}
