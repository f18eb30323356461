/** Where credentials come from (header, cookies, socket handshake), and the cookies that carry them. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CredentialStore, Principal } from './security/credentials';

/** The cookie older versions set with the raw token; only read now, to trade it for a session. */
export const TOKEN_COOKIE = 'wr_token';
export const SESSION_COOKIE = 'wr_session';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Cookie attributes: never readable by scripts, never sent cross-site, `Secure` over HTTPS. */
const attrs = (secure: boolean): string => `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

/**
 * Set-Cookie header of a session: an account's (ends with its TTL), or a device's from `?token=`
 * (the cookie holds only the session id; `maxAgeMs` of a sliding device session is the browser's
 * 400-day cap, while the server ends it after its idle TTL or when its token is revoked).
 */
export function sessionCookie(id: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(id)}; ${attrs(secure)}; Max-Age=${Math.floor(maxAgeMs / 1000)}`;
}

/** A browser keeps a cookie at most 400 days (RFC 6265bis). */
export const COOKIE_MAX_AGE_CAP_MS = 400 * 86400_000;

/** Set-Cookie headers that end both kinds of sign-in on this browser (and an old raw-token cookie). */
export function clearCookies(secure: boolean): string[] {
  return [`${SESSION_COOKIE}=; ${attrs(secure)}; Max-Age=0`, `${TOKEN_COOKIE}=; ${attrs(secure)}; Max-Age=0`];
}

export interface Resolved {
  principal: Principal | null;
  /** Authenticated by a header or the handshake (not by ambient cookies: no CSRF risk). */
  viaHeader: boolean;
  /** The raw token of a `wr_token` cookie set before sessions replaced it: to be traded for one. */
  legacyToken?: string;
}

/**
 * Who is asking: a bearer token in the header (or the socket handshake), else the session cookie,
 * else a raw-token cookie an older version set (still honoured, traded for a session on the next page).
 */
export async function resolvePrincipal(
  creds: CredentialStore,
  authorization: string | undefined,
  cookieHeader: string | undefined,
  handshakeToken?: unknown,
): Promise<Resolved> {
  if (typeof handshakeToken === 'string') return { principal: creds.byToken(handshakeToken), viaHeader: true };
  if (authorization?.startsWith('Bearer ')) return { principal: creds.byToken(authorization.slice(7).trim()), viaHeader: true };
  const session = cookieValue(cookieHeader, SESSION_COOKIE);
  if (session) {
    const p = await creds.bySession(session);
    if (p) return { principal: p, viaHeader: false };
  }
  const legacy = cookieValue(cookieHeader, TOKEN_COOKIE);
  const p = creds.byToken(legacy);
  return p ? { principal: p, viaHeader: false, legacyToken: legacy } : { principal: null, viaHeader: false };
}
