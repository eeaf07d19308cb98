// The console's HTTP API (/console/api/, server/http/console-routes.js): JSON in and
// out, the session cookie sent by the browser itself (HttpOnly: no script sees it).
/** @returns {Promise<{status: number, body: object}>} */
export async function consoleApi(path, { method = 'GET', body } = {}) {
  const response = await fetch(`/console/api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    // an empty or non-JSON answer: the status says enough
  }
  return { status: response.status, body: payload };
}
