/**
 * HTTP routes. Public: `/healthz` (up or down; its figures need a credential), `/login`, the built
 * client's static files (code, no data) and `POST /api/login`. Everything else needs a credential
 * and a role (see ROUTES and docs/security.md); the server fails closed: an unknown route or a
 * missing credential never reaches data. A page opened with `?token=` trades it for a session
 * cookie (an id referencing the token, never the token) and a redirect, so the token leaves the
 * address bar. `/socket.io/` never reaches these routes: Socket.IO answers it (server/sockets.ts). State-changing routes need a same-origin `Origin` when the
 * credential came from a cookie (CSRF), a JSON body and stay small.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clearCookies, COOKIE_MAX_AGE_CAP_MS, resolvePrincipal, sessionCookie } from './auth';
import type { CredentialStore, Principal } from './security/credentials';
import type { RateLimiter } from './security/limits';
import type { LoginGuard } from './security/login-guard';
import { HashBusyError } from './security/password';
import type { Peer } from './security/peer';
import { AdminConfirmNeeded, AdminError, type AdminPlane } from './admin';
import { DRILL_DIMS, type ConfirmNeeded, type Drill, type DrillDim, type Me, type Role } from '../shared/api';

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

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ico': 'image/x-icon',
};

const RANK: Record<Role, number> = { viewer: 1, executive: 2, admin: 3 };

/** Pages: who may open them, and where a signed-out browser goes instead. */
const PAGES: Record<string, { min: Role; signIn: boolean }> = {
  '/wall': { min: 'viewer', signIn: false }, // wall devices hold tokens: no login page at 3 am
  '/': { min: 'executive', signIn: true },
  '/admin': { min: 'admin', signIn: true },
};

const SECURITY_HEADERS: Record<string, string> = {
  // No inline script, no eval. Svelte sets styles through the CSSOM (not affected by style-src);
  // 'unsafe-inline' for styles is still needed for style attributes in the served HTML.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function json(res: ServerResponse, status: number, data: unknown, extra: Record<string, string | string[]> = {}): void {
  send(res, status, JSON.stringify(data), 'application/json; charset=utf-8', extra);
}

const fail = (res: ServerResponse, status: number, error: string, extra: Record<string, string | string[]> = {}): void => json(res, status, { error }, extra);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'Content-Type must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `body larger than ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

/** The session cookie of a device that opened a page with `?token=`, and the end of any raw-token cookie. */
function deviceCookies(s: { sessionId: string; sliding: boolean; ttlMs: number }, secure: boolean): string[] {
  return [sessionCookie(s.sessionId, s.sliding ? COOKIE_MAX_AGE_CAP_MS : s.ttlMs, secure), clearCookies(secure)[1]!];
}

/** The request's own origin as a browser would send it. */
function ownOrigins(req: IncomingMessage): string[] {
  const host = req.headers.host ?? '';
  return [`http://${host}`, `https://${host}`];
}

export function createHttpHandler(deps: HttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map<string, Buffer>();
  const root = normalize(deps.clientDir);

  async function file(rel: string): Promise<Buffer | null> {
    const path = normalize(join(root, rel));
    if (path !== root && !path.startsWith(root + sep)) return null;
    const hit = cache.get(path);
    if (hit) return hit;
    try {
      const buf = await readFile(path);
      if (cache.size < 2000) cache.set(path, buf);
      return buf;
    } catch {
      return null;
    }
  }

  async function page(res: ServerResponse, extra: Record<string, string | string[]> = {}): Promise<void> {
    const html = await file('index.html');
    return html ? send(res, 200, html, TYPES['.html']!, extra) : send(res, 500, 'client not built: run npm run build\n', 'text/plain');
  }

  /** CORS for the read-only JSON API: only the configured origins, credentials allowed. */
  function cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin && deps.corsOrigins.includes(origin)) return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
    return { Vary: 'Origin' };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const peer = deps.peer(req);
    const ip = peer.address;
    if (!deps.limits.perIp.take(ip)) return fail(res, 429, 'too many requests', { 'Retry-After': '1' });

    if (method === 'OPTIONS') {
      const c = cors(req);
      if (!c['Access-Control-Allow-Origin'] || !(path === '/api/state' || path === '/api/drill' || path === '/api/me')) return send(res, 403, '', 'text/plain', c);
      return send(res, 204, '', 'text/plain', { ...c, 'Access-Control-Allow-Methods': 'GET', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Max-Age': '600' });
    }
    if (!['GET', 'HEAD', 'POST', 'DELETE'].includes(method)) return send(res, 405, 'method not allowed\n', 'text/plain', { Allow: 'GET, HEAD, POST, DELETE' });

    // Public.
    if (path === '/healthz' && method === 'GET') {
      // Up or down for anyone (load balancers); the figures only with a credential.
      const h = deps.health();
      const known = (await resolvePrincipal(deps.creds, req.headers.authorization, req.headers.cookie)).principal !== null;
      return json(res, h.ok ? 200 : 503, known ? h : { ok: h.ok, status: h.ok ? 'up' : 'down' });
    }
    if (path === '/login' && method === 'GET') return page(res);
    if (path === '/api/login') {
      if (method !== 'POST') return fail(res, 405, 'use POST', { Allow: 'POST' });
      return login(req, res, peer);
    }
    if (method === 'GET' && path !== '/' && !(path in PAGES) && !path.startsWith('/api/')) {
      // The built client: code and fonts, no data.
      const body = path.includes('\0') ? null : await file(path.slice(1));
      if (!body) return send(res, 404, 'not found\n', 'text/plain');
      const immutable = path.startsWith('/assets/');
      return send(res, 200, body, TYPES[extname(path)] ?? 'application/octet-stream', { 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
    }

    // A device opening a page with its token: a session cookie (never the token itself), then the
    // same page without the token.
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && path in PAGES && method === 'GET') {
      const s = await deps.creds.openDeviceSession(queryToken);
      if (!s) return send(res, 401, 'invalid or revoked token\n', 'text/plain');
      url.searchParams.delete('token');
      return send(res, 303, '', 'text/plain', { 'Set-Cookie': deviceCookies(s, peer.https), Location: path + url.search });
    }

    const { principal, viaHeader, legacyToken } = await resolvePrincipal(deps.creds, req.headers.authorization, req.headers.cookie);
    if (principal && !deps.limits.perCredential.take(principal.cred)) return fail(res, 429, 'too many requests for this credential', { 'Retry-After': '1' });

    const pageRule = PAGES[path];
    if (pageRule && (method === 'GET' || method === 'HEAD')) {
      if (!principal) {
        if (pageRule.signIn) return send(res, 303, '', 'text/plain', { Location: `/login?next=${encodeURIComponent(path + url.search)}` });
        return send(res, 401, 'this screen needs a device token: open the URL the server printed, or ask an admin for a viewer token\n', 'text/plain', { 'WWW-Authenticate': 'Bearer' });
      }
      if (RANK[principal.role] < RANK[pageRule.min]) {
        if (pageRule.signIn) return send(res, 303, '', 'text/plain', { Location: `/login?next=${encodeURIComponent(path + url.search)}&need=${pageRule.min}` });
        return send(res, 403, 'forbidden\n', 'text/plain');
      }
      // A raw-token cookie from an older version: traded for a session cookie.
      const s = legacyToken === undefined ? null : await deps.creds.openDeviceSession(legacyToken);
      return page(res, s ? { 'Set-Cookie': deviceCookies(s, peer.https) } : {});
    }

    if (!path.startsWith('/api/')) return send(res, 404, 'not found\n', 'text/plain');
    if (!principal) return fail(res, 401, 'a credential is required', { 'WWW-Authenticate': 'Bearer', ...cors(req) });
    // Cookie-authenticated writes must come from our own pages.
    if ((method === 'POST' || method === 'DELETE') && !viaHeader) {
      const origin = req.headers.origin;
      if (!origin || !ownOrigins(req).includes(origin)) return fail(res, 403, 'cross-origin request refused');
    }
    return api(req, res, url, method, principal);
  }

  async function login(req: IncomingMessage, res: ServerResponse, peer: Peer): Promise<void> {
    const origin = req.headers.origin;
    if (origin && !ownOrigins(req).includes(origin)) return fail(res, 403, 'cross-origin request refused');
    if (!deps.limits.loginPerIp.take(peer.address)) return fail(res, 429, 'too many sign-in attempts: wait a minute', { 'Retry-After': '60' });
    const body = (await readJson(req)) as { username?: unknown; password?: unknown };
    const username = typeof body.username === 'string' ? body.username.slice(0, 64) : '';
    const guard = deps.loginGuard;
    const waitMs = guard.waitMs(peer.address, username);
    if (waitMs > 0) {
      const s = Math.ceil(waitMs / 1000);
      return fail(res, 429, `too many failed sign-ins: wait ${s} s`, { 'Retry-After': String(s) });
    }
    guard.failed(peer.address, username); // counted before the check: guesses sent at once cannot slip through together
    let r;
    try {
      r = await deps.creds.login(username, typeof body.password === 'string' ? body.password : '');
    } catch (e) {
      if (e instanceof HashBusyError) guard.unchecked(peer.address, username);
      throw e;
    }
    if (!r) return fail(res, 401, 'wrong username or password');
    guard.succeeded(peer.address, username);
    return send(res, 204, '', 'text/plain', { 'Set-Cookie': sessionCookie(r.sessionId, deps.sessionTtlMs, peer.https) });
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
      return send(res, 204, '', 'text/plain', { 'Set-Cookie': clearCookies(deps.peer(req).https) });
    }
    if (path === '/api/state' && get) {
      const st = deps.state();
      return st === null ? fail(res, 503, 'standby: this node does not hold the ingest lease and has no figures', { 'Retry-After': '1', ...cors(req) }) : json(res, 200, st, cors(req));
    }
    if (path === '/api/drill' && get) {
      need(p, 'executive');
      const dim = url.searchParams.get('dim');
      const key = url.searchParams.get('key');
      if (!dim || !(DRILL_DIMS as readonly string[]).includes(dim) || !key || key.length > 64) throw new HttpError(400, `dim must be one of ${DRILL_DIMS.join(', ')} and key a value of it`);
      const d = deps.drill(dim as DrillDim, key);
      return d ? json(res, 200, d, cors(req)) : fail(res, 404, `no orders for ${dim} ${key}`, cors(req));
    }
    if (!path.startsWith('/api/admin/')) throw new HttpError(404, 'no such route');
    need(p, 'admin');
    const a = deps.admin;
    const sub = path.slice('/api/admin/'.length);
    const [head, rest] = [sub.split('/')[0], sub.split('/').slice(1).join('/')];
    // `alarms/:id/ack`: the action after the id.
    const ack = head === 'alarms' && rest.endsWith('/ack');
    const arg = ack ? rest.slice(0, -'/ack'.length) : rest;
    const id = decodeURIComponent(arg ?? '');
    switch (`${method} ${head}${arg ? '/:id' : ''}${ack ? '/ack' : ''}`) {
      case 'GET tokens':
        return json(res, 200, deps.creds.listTokens());
      case 'POST tokens':
        return json(res, 201, await a.createToken(p, (await readJson(req)) as { name?: unknown }));
      case 'DELETE tokens/:id':
        return (await a.revokeToken(p, id)) ? send(res, 204, '', 'text/plain') : fail(res, 404, 'no such token');
      case 'GET accounts':
        return json(res, 200, deps.creds.listAccounts());
      case 'POST accounts':
        return json(res, 201, await a.putAccount(p, (await readJson(req)) as Record<string, unknown>));
      case 'DELETE accounts/:id':
        return (await a.disableAccount(p, id)) ? send(res, 204, '', 'text/plain') : fail(res, 404, 'no such account');
      case 'POST event':
        return json(res, 200, await a.patchEvent(p, (await readJson(req)) as object));
      case 'POST banner':
        return json(res, 201, await a.setBanner(p, (await readJson(req)) as Record<string, unknown>));
      case 'DELETE banner':
        await a.clearBanner(p);
        return send(res, 204, '', 'text/plain');
      case 'POST alarms/:id/ack': {
        await readJson(req); // a JSON body, like every write (`{}`): a plain form cannot send one
        const acked = await a.ackAlarm(p, id);
        return acked ? json(res, 200, acked) : fail(res, 404, 'no such active alarm');
      }
      case 'POST reload':
        await a.reload(p);
        return send(res, 204, '', 'text/plain');
      case 'GET audit':
        return json(res, 200, await deps.creds.listAudit(Math.min(1000, Math.max(1, Number(url.searchParams.get('count') ?? 200) || 200))));
      default:
        throw new HttpError(404, 'no such route');
    }
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
