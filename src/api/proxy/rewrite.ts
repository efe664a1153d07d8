// What the apiserver's proxy transport (apimachinery's proxy.Transport, wrapped in corsRemovingTransport) does to a
// backend's response: a Location on the backend's own host, or an absolute path, is put back under the proxy prefix so
// the client's next request goes through the proxy again; other hosts and relative references are left alone; CORS
// headers are dropped (the API server's CORS policy is the one that counts). HTML bodies: html-rewrite.ts.

/**
 * rewriteURL: `location` as the backend sent it, `backendHost` the host:port the request went to, `requestHost` the
 * client's Host header, `prefix` the path up to and including `/proxy`.
 */
export function rewriteLocation(location: string, backendHost: string, requestHost: string, prefix: string): string {
  let target: URL;
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) || location.startsWith('//');
  try {
    target = new URL(location, 'http://placeholder.invalid');
  } catch {
    return location;
  }
  const host = absolute ? target.host : '';
  const isDifferentHost = host !== '' && host !== backendHost && host !== requestHost;
  const isRelative = !absolute && !location.startsWith('/');
  if (isDifferentHost || isRelative) return location;
  const origPath = target.pathname;
  // The transport has no scheme or host of its own (a server request's URL has none): a URL naming the client's own
  // host keeps it, any other becomes a bare path.
  const origin = absolute && host === requestHost ? `${target.protocol}//${host}` : '';
  // A path already under the proxy prefix (a backend that knows it is proxied) is not prefixed twice.
  if (origPath.startsWith(prefix)) return `${origin}${origPath}${target.search}${target.hash}`;
  let path = joinPath(prefix, origPath);
  if (origPath.endsWith('/') && !path.endsWith('/')) path += '/';
  return `${origin}${path}${target.search}${target.hash}`;
}

/** Go's path.Join of two slash paths (cleaned, no trailing slash). */
function joinPath(a: string, b: string): string {
  const parts: string[] = [];
  for (const seg of `${a}/${b}`.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-headers',
  'access-control-allow-methods',
  'access-control-expose-headers',
  'access-control-max-age',
];

export function removeCorsHeaders(headers: Record<string, unknown>): void {
  for (const h of CORS_HEADERS) delete headers[h];
}
