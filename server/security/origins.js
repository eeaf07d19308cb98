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

/** Whether `origin` names the host the request was sent to: a page the server itself served. */
export function isSameOrigin(origin, request) {
  if (typeof origin !== 'string' || typeof request.headers.host !== 'string') return false;
  try {
    return new URL(origin).host === new URL(`http://${request.headers.host}`).host;
  } catch {
    return false;
  }
}

/**
 * The origin check at WebSocket upgrade, before a single frame is read. `/ws`: a page
 * some site lists in allowedOrigins, or one of the server's own (hello then checks the
 * origin against the one site it names). `/agent`: only the console the server serves,
 * i.e. a page of the host the browser addressed (behind a proxy, the public one the
 * proxy passes on in Host); a client without an Origin header is not a browser page and
 * still needs a session cookie (server.js checks it next).
 * @returns {boolean}
 */
export function upgradeAllowed(endpoint, request, { sites, ownOrigins }) {
  const origin = request.headers.origin;
  if (endpoint === 'agent') return origin === undefined || isSameOrigin(origin, request);
  if (ownOrigins.includes(origin)) return true;
  return Object.values(sites).some((site) => isOriginAllowed(origin, site.allowedOrigins));
}
