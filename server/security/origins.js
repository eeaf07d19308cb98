// A WebSocket carries no CORS: without this check any website could open a chat
// socket as our widget. Each site lists the origins allowed to embed it.

export function isOriginAllowed(origin, allowedOrigins) {
  if (!Array.isArray(allowedOrigins) || typeof origin !== 'string') return false;
  let parsed;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  const normalized = parsed.origin; // lower-cases the host, drops default ports and paths
  return allowedOrigins.some((allowed) => {
    if (allowed === '*') return true;
    if (allowed.startsWith('https://*.') || allowed.startsWith('http://*.')) {
      const [scheme, suffix] = allowed.split('://*.');
      return parsed.protocol === `${scheme}:` && parsed.hostname.endsWith(`.${suffix.toLowerCase()}`);
    }
    try {
      return new URL(allowed).origin === normalized;
    } catch {
      return false;
    }
  });
}
