/**
 * HTTP routes. Public: `/healthz` (up or down; its figures need a credential), `/login`, the built
 * client's static files (code, no data) and `POST /api/login`. Everything else needs a credential
 * and a role (see ROUTES and docs/security.md); the server fails closed: an unknown route or a
 * missing credential never reaches data. A page opened with `?token=` trades it for a session
 * cookie (an id referencing the token, never the token) and a redirect, so the token leaves the
 * address bar (http/pages.ts). `/socket.io/` never reaches these routes: Socket.IO answers it
 * (server/sockets.ts). State-changing routes need a same-origin `Origin` when the credential came
 * from a cookie (CSRF), a JSON body and stay small.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clearCookies, resolvePrincipal } from './auth';
import type { CredentialStore, Principal } from './security/credentials';
import type { RateLimiter } from './security/limits';
import type { LoginGuard } from './security/login-guard';
import { HashBusyError } from './security/password';
import type { Peer } from './security/peer';
import { AdminConfirmNeeded, AdminError, type AdminPlane } from './admin';
import { DRILL_DIMS, type ConfirmNeeded, type Drill, type DrillDim, type Me, type Role } from '../shared/api';
import { fail, HttpError, json, noContent, ownOrigins, send } from './http/respond';
import { StaticFiles } from './http/static-files';
import { login } from './http/login';
import { adminRoute } from './http/admin-routes';
import { PAGES, RANK, servePage, tradeToken } from './http/pages';

export interface HttpDeps {
  clientDir: string;
  creds: CredentialStore;
  admin: AdminPlane;
  /** The current snapshot as JSON-ready data; null on a node that does not count (a standby). */
  state(): unknown;
  drill(dim: DrillDim, key: string): Drill | null;
  /** Health with its figures; `ok` false answers 503. Anonymous callers see only up or down. */
  health(): { ok: boolean } & Record<string, unknown>;
  /** The client's address and whether it came over HTTPS. */
  peer(req: IncomingMessage): Peer;
  /** Sign-in failures per (address, username), with back-off. */
  loginGuard: LoginGuard;
  corsOrigins: readonly string[];
  sessionTtlMs: number;
  limits: {
    /** Requests per client IP. */
    perIp: RateLimiter;
    /** Requests per credential. */
    perCredential: RateLimiter;
    /** Sign-in attempts per address, whatever the username (refused before the body is read). */
    loginPerIp: RateLimiter;
  };
  log: { warn(msg: string): void };
}

/** CORS preflight: only the read-only JSON routes, only from the configured origins. */
function preflight(res: ServerResponse, path: string, c: Record<string, string>): void {
  if (!c['Access-Control-Allow-Origin'] || !(path === '/api/state' || path === '/api/drill' || path === '/api/me'))
    return send(res, 403, '', 'text/plain', c);
  const allow = { 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Max-Age': '600' };
  return send(res, 204, '', 'text/plain', { ...c, ...allow });
}

export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const files = new StaticFiles(deps.clientDir);

  /** CORS for the read-only JSON API: only the configured origins, credentials allowed. */
  function cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin && deps.corsOrigins.includes(origin))
      return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
    return { Vary: 'Origin' };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const peer = deps.peer(req);
    const ip = peer.address;
    if (!deps.limits.perIp.take(ip)) return fail(res, 429, 'too many requests', { 'Retry-After': '1' });

    if (method === 'OPTIONS') return preflight(res, path, cors(req));
    if (!['GET', 'HEAD', 'POST', 'DELETE'].includes(method))
      return send(res, 405, 'method not allowed\n', 'text/plain', { Allow: 'GET, HEAD, POST, DELETE' });

    // Public.
    if (path === '/healthz' && method === 'GET') {
      // Up or down for anyone (load balancers); the figures only with a credential.
      const h = deps.health();
      const known = (await resolvePrincipal(deps.creds, req.headers.authorization, req.headers.cookie)).principal !== null;
      return json(res, h.ok ? 200 : 503, known ? h : { ok: h.ok, status: h.ok ? 'up' : 'down' });
    }
    if (path === '/login' && method === 'GET') return files.page(res);
    if (path === '/api/login') {
      if (method !== 'POST') return fail(res, 405, 'use POST', { Allow: 'POST' });
      return login(
        { creds: deps.creds, loginGuard: deps.loginGuard, loginPerIp: deps.limits.loginPerIp, sessionTtlMs: deps.sessionTtlMs },
        req,
        res,
        peer,
      );
    }
    if (method === 'GET' && path !== '/' && !(path in PAGES) && !path.startsWith('/api/')) {
      return files.serve(res, path); // the built client: code and fonts, no data
    }

    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && path in PAGES && method === 'GET') return tradeToken(deps.creds, res, url, queryToken, peer);

    const { principal, viaHeader, legacyToken } = await resolvePrincipal(deps.creds, req.headers.authorization, req.headers.cookie);
    if (principal && !deps.limits.perCredential.take(principal.cred))
      return fail(res, 429, 'too many requests for this credential', { 'Retry-After': '1' });

    const rule = PAGES[path];
    if (rule && (method === 'GET' || method === 'HEAD'))
      return servePage(files, deps.creds, res, { url, rule, principal, legacyToken, peer });

    if (!path.startsWith('/api/')) return send(res, 404, 'not found\n', 'text/plain');
    if (!principal) return fail(res, 401, 'a credential is required', { 'WWW-Authenticate': 'Bearer', ...cors(req) });
    // Cookie-authenticated writes must come from our own pages.
    if ((method === 'POST' || method === 'DELETE') && !viaHeader) {
      const origin = req.headers.origin;
      if (!origin || !ownOrigins(req).includes(origin)) return fail(res, 403, 'cross-origin request refused');
    }
    return api(req, res, url, method, principal);
  }

  const need = (p: Principal, role: Role): void => {
    if (RANK[p.role] < RANK[role]) throw new HttpError(403, `needs the ${role} role`);
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, method: string, p: Principal): Promise<void> {
    const path = url.pathname;
    const get = method === 'GET' || method === 'HEAD';
    if (path === '/api/me' && get) return json(res, 200, { role: p.role, name: p.name } satisfies Me, cors(req));
    if (path === '/api/logout' && method === 'POST') {
      await deps.creds.logout(p);
      return noContent(res, { 'Set-Cookie': clearCookies(deps.peer(req).https) });
    }
    if (path === '/api/state' && get) {
      const st = deps.state();
      return st === null
        ? fail(res, 503, 'standby: this node does not hold the ingest lease and has no figures', { 'Retry-After': '1', ...cors(req) })
        : json(res, 200, st, cors(req));
    }
    if (path === '/api/drill' && get) {
      need(p, 'executive');
      const dim = url.searchParams.get('dim');
      const key = url.searchParams.get('key');
      if (!dim || !(DRILL_DIMS as readonly string[]).includes(dim) || !key || key.length > 64)
        throw new HttpError(400, `dim must be one of ${DRILL_DIMS.join(', ')} and key a value of it`);
      const d = deps.drill(dim as DrillDim, key);
      return d ? json(res, 200, d, cors(req)) : fail(res, 404, `no orders for ${dim} ${key}`, cors(req));
    }
    if (!path.startsWith('/api/admin/')) throw new HttpError(404, 'no such route');
    need(p, 'admin');
    return adminRoute(method, path.slice('/api/admin/'.length), { req, res, url, p, admin: deps.admin, creds: deps.creds });
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.end();
      if (e instanceof HttpError) return fail(res, e.status, e.message);
      if (e instanceof AdminConfirmNeeded) return json(res, 409, { error: e.message, t0Change: e.t0Change } satisfies ConfirmNeeded);
      if (e instanceof AdminError) return fail(res, 400, e.message);
      if (e instanceof HashBusyError) return fail(res, 503, e.message, { 'Retry-After': '2' });
      deps.log.warn(`http ${req.method} ${req.url?.split('?')[0]}: ${(e as Error).message}`);
      fail(res, 500, 'internal error');
    });
  };
}
