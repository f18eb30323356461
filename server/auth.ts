/** Where credentials come from (header, cookies, socket handshake), and the cookies that carry them. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import type { CredentialStore, Principal } from './security/credentials';

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

/** The token a request carries in `Authorization: Bearer` or in the session cookie. */
export function requestToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return cookieValue(req.headers.cookie, TOKEN_COOKIE);
}

/** Set-Cookie header that keeps a wall device signed in (long-lived; revoking the token ends it). */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${400 * 86400}`;
}

/** Set-Cookie header of an executive's session (ends with the browser session or its TTL). */
export function sessionCookie(id: string, ttlMs: number): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(ttlMs / 1000)}`;
}

/** Set-Cookie headers that end both kinds of sign-in on this browser. */
export function clearCookies(): string[] {
  return [`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`, `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`];
}

/**
 * Who is asking: a bearer token in the header, else a session cookie, else a device token cookie.
 * `viaHeader` tells a request authenticated by its header (not by ambient cookies: no CSRF risk).
 */
export async function resolvePrincipal(creds: CredentialStore, authorization: string | undefined, cookieHeader: string | undefined, handshakeToken?: unknown): Promise<{ principal: Principal | null; viaHeader: boolean }> {
  if (typeof handshakeToken === 'string') return { principal: creds.byToken(handshakeToken), viaHeader: true };
  if (authorization?.startsWith('Bearer ')) return { principal: creds.byToken(authorization.slice(7).trim()), viaHeader: true };
  const session = cookieValue(cookieHeader, SESSION_COOKIE);
  if (session) {
    const p = await creds.bySession(session);
    if (p) return { principal: p, viaHeader: false };
  }
  return { principal: creds.byToken(cookieValue(cookieHeader, TOKEN_COOKIE)), viaHeader: false };
}
