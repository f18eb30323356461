/**
 * Where to go after signing in: the `?next=` the server put on the sign-in URL, but only when it is a
 * path on this origin. Anything else (`//host`, `/\host`, `https://…`, `javascript:…`, control
 * characters that browsers strip out of URLs) goes to `/`: an open-redirect guard.
 */

const FALLBACK = '/';
const MAX_LENGTH = 2048;
/** Base for the final check; any origin works, the point is that resolving must not leave it. */
const PROBE_ORIGIN = 'https://warroom.invalid';

export function safeNextPath(raw: string | null | undefined): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return FALLBACK;
  // Exactly one leading slash: `//host` and `/\host` are protocol-relative URLs to a browser.
  if (raw[0] !== '/' || raw[1] === '/' || raw[1] === '\\') return FALLBACK;
  // Backslashes count as slashes in http(s) URLs; tabs and newlines are removed before parsing,
  // so `/\t/evil.com` would become `//evil.com`. Neither belongs in a path we send people to.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x5c) return FALLBACK;
  }
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== PROBE_ORIGIN) return FALLBACK;
  // Dot segments can normalise into a protocol-relative path: `/.//evil.com` → `//evil.com`.
  if (url.pathname.startsWith('//')) return FALLBACK;
  // Back to the sign-in page would only show the form again.
  if (url.pathname === '/login') return FALLBACK;
  return url.pathname + url.search + url.hash;
}
