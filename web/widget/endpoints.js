// Where the widget's pieces live, from the boot options. The loader passes `assetBase`
// (its own URL: the core sits beside it); the ES module entry derives it from the
// server's address, which serves the shipped files under /kefu/ (docs/server.md).

/**
 * @param {{siteId: string, serverUrl?: string, assetBase?: string, knowledgeBaseUrl?: string}} config
 * @param {string} pageUrl the host page's base URL
 */
export function resolveEndpoints(config, pageUrl) {
  const serverUrl = new URL(config.serverUrl || '/ws', pageUrl);
  if (serverUrl.protocol === 'http:' || serverUrl.protocol === 'https:') serverUrl.protocol = serverUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const httpOrigin = `${serverUrl.protocol === 'wss:' ? 'https:' : 'http:'}//${serverUrl.host}`;
  const assetBase = new URL(config.assetBase || `${httpOrigin}/kefu/`, pageUrl);
  return {
    serverUrl: serverUrl.href,
    httpOrigin,
    moduleUrl: new URL('kefu-core.mjs', assetBase).href,
    wasmUrl: new URL('kefu-core.wasm', assetBase).href,
    stylesheetUrl: new URL('kefu-widget.css', assetBase).href,
    // The site's home screen, texts and look, and whether agents are on (server/visitor/site-profile.js).
    profileUrl: `${httpOrigin}/site/${encodeURIComponent(config.siteId)}.json`,
    // The server's pointer to the site's current index (a redirect to its versioned URL).
    knowledgeBaseUrl: new URL(config.knowledgeBaseUrl || `/kb/${encodeURIComponent(config.siteId)}.kfi`, httpOrigin).href,
    // Where the server keeps each version welcome may name, and each version's per-locale
    // answer texts; null when the page brings its own knowledge base.
    knowledgeVersionsUrl: config.knowledgeBaseUrl ? null : new URL(`/kb/${encodeURIComponent(config.siteId)}/`, httpOrigin).href,
  };
}
