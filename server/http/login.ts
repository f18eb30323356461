/**
 * `POST /api/login`: a username and password for a session cookie. Refused before the body is read
 * when the address has tried too often; each (address, username) backs off after failures, counted
 * before the check so guesses sent at once cannot slip through together.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionCookie } from '../auth';
import type { CredentialStore } from '../security/credentials';
import type { RateLimiter } from '../security/limits';
import type { LoginGuard } from '../security/login-guard';
import { HashBusyError } from '../security/password';
import type { Peer } from '../security/peer';
import { fail, noContent, ownOrigins, readJson } from './respond';

export interface LoginDeps {
  creds: CredentialStore;
  loginGuard: LoginGuard;
  /** Sign-in attempts per address, whatever the username. */
  loginPerIp: RateLimiter;
  sessionTtlMs: number;
}

export async function login(deps: LoginDeps, req: IncomingMessage, res: ServerResponse, peer: Peer): Promise<void> {
  const origin = req.headers.origin;
  if (origin && !ownOrigins(req).includes(origin)) return fail(res, 403, 'cross-origin request refused');
  if (!deps.loginPerIp.take(peer.address)) return fail(res, 429, 'too many sign-in attempts: wait a minute', { 'Retry-After': '60' });
  const body = (await readJson(req)) as { username?: unknown; password?: unknown };
  const username = typeof body.username === 'string' ? body.username.slice(0, 64) : '';
  const guard = deps.loginGuard;
  const waitMs = guard.waitMs(peer.address, username);
  if (waitMs > 0) {
    const s = Math.ceil(waitMs / 1000);
    return fail(res, 429, `too many failed sign-ins: wait ${s} s`, { 'Retry-After': String(s) });
  }
  guard.failed(peer.address, username);
  let r;
  try {
    r = await deps.creds.login(username, typeof body.password === 'string' ? body.password : '');
  } catch (e) {
    if (e instanceof HashBusyError) guard.unchecked(peer.address, username);
    throw e;
  }
  if (!r) return fail(res, 401, 'wrong username or password');
  guard.succeeded(peer.address, username);
  return noContent(res, { 'Set-Cookie': sessionCookie(r.sessionId, deps.sessionTtlMs, peer.https) });
}
