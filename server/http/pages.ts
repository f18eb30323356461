/**
 * The pages (the single-page app's entry points): who may open each, where a signed-out browser
 * goes instead, and the trade of a device's `?token=` for a session cookie (an id referencing the
 * token, never the token) and a redirect, so the token leaves the address bar.
 */
import type { ServerResponse } from 'node:http';
import { clearCookies, COOKIE_MAX_AGE_CAP_MS, sessionCookie } from '../auth';
import type { CredentialStore, Principal } from '../security/credentials';
import type { Peer } from '../security/peer';
import type { Role } from '../../shared/api';
import { send } from './respond';
import type { StaticFiles } from './static-files';

export const RANK: Record<Role, number> = { viewer: 1, executive: 2, admin: 3 };

export interface PageRule {
  min: Role;
  signIn: boolean;
}

/** Pages: who may open them, and where a signed-out browser goes instead. */
export const PAGES: Record<string, PageRule> = {
  '/wall': { min: 'viewer', signIn: false }, // wall devices hold tokens: no login page at 3 am
  '/': { min: 'executive', signIn: true },
  '/admin': { min: 'admin', signIn: true },
};

/** The session cookie of a device that opened a page with `?token=`, and the end of any raw-token cookie. */
function deviceCookies(s: { sessionId: string; sliding: boolean; ttlMs: number }, secure: boolean): string[] {
  return [sessionCookie(s.sessionId, s.sliding ? COOKIE_MAX_AGE_CAP_MS : s.ttlMs, secure), clearCookies(secure)[1]!];
}

/** A device opening a page with its token: a session cookie, then the same page without the token. */
export async function tradeToken(creds: CredentialStore, res: ServerResponse, url: URL, token: string, peer: Peer): Promise<void> {
  const s = await creds.openDeviceSession(token);
  if (!s) return send(res, 401, 'invalid or revoked token\n', 'text/plain');
  url.searchParams.delete('token');
  return send(res, 303, '', 'text/plain', { 'Set-Cookie': deviceCookies(s, peer.https), Location: url.pathname + url.search });
}

export interface PageVisit {
  url: URL;
  rule: PageRule;
  principal: Principal | null;
  /** A raw-token cookie from an older version, traded for a session cookie. */
  legacyToken: string | undefined;
  peer: Peer;
}

/** The page itself, a sign-in redirect (pages people open) or a refusal (wall devices). */
export async function servePage(files: StaticFiles, creds: CredentialStore, res: ServerResponse, v: PageVisit): Promise<void> {
  const { url, rule, principal } = v;
  const next = encodeURIComponent(url.pathname + url.search);
  if (!principal) {
    if (rule.signIn) return send(res, 303, '', 'text/plain', { Location: `/login?next=${next}` });
    const why = 'this screen needs a device token: open the URL the server printed, or ask an admin for a viewer token\n';
    return send(res, 401, why, 'text/plain', { 'WWW-Authenticate': 'Bearer' });
  }
  if (RANK[principal.role] < RANK[rule.min]) {
    if (rule.signIn) return send(res, 303, '', 'text/plain', { Location: `/login?next=${next}&need=${rule.min}` });
    return send(res, 403, 'forbidden\n', 'text/plain');
  }
  const s = v.legacyToken === undefined ? null : await creds.openDeviceSession(v.legacyToken);
  return files.page(res, s ? { 'Set-Cookie': deviceCookies(s, v.peer.https) } : {});
}
