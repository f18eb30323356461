/**
 * HTTP routes: the two layouts, the built client's assets, `/api/state` and `/healthz`.
 * Everything but `/healthz` needs the viewer token; a page opened with `?token=` gets a cookie
 * and a redirect to the same page without it, so the token leaves the address bar and history.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestToken, tokenCookie, tokenMatches } from './auth';

export interface HttpDeps {
  clientDir: string;
  viewerToken: string;
  /** The current snapshot as JSON-ready data. */
  state(): unknown;
  /** Health without sales figures; `ok` false answers 503. */
  health(): { ok: boolean } & Record<string, unknown>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const PAGES = new Set(['/', '/wall']);

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function json(res: ServerResponse, status: number, data: unknown): void {
  send(res, status, JSON.stringify(data), 'application/json; charset=utf-8');
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
      cache.set(path, buf);
      return buf;
    } catch {
      return null;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', 'text/plain', { Allow: 'GET, HEAD' });
    if (path === '/healthz') {
      const h = deps.health();
      return json(res, h.ok ? 200 : 503, h);
    }

    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && PAGES.has(path)) {
      if (!tokenMatches(queryToken, deps.viewerToken)) return send(res, 401, 'invalid token\n', 'text/plain');
      url.searchParams.delete('token');
      return send(res, 303, '', 'text/plain', { 'Set-Cookie': tokenCookie(queryToken), Location: path + url.search });
    }
    if (!tokenMatches(requestToken(req), deps.viewerToken)) {
      return send(res, 401, 'a viewer token is required: open the URL the server printed, or send Authorization: Bearer <token>\n', 'text/plain', {
        'WWW-Authenticate': 'Bearer',
      });
    }

    if (path === '/api/state') return json(res, 200, deps.state());
    if (PAGES.has(path)) {
      const html = await file('index.html');
      return html ? send(res, 200, html, TYPES['.html']!) : send(res, 500, 'client not built: run npm run build\n', 'text/plain');
    }
    const body = path.includes('\0') ? null : await file(path.slice(1));
    if (!body) return send(res, 404, 'not found\n', 'text/plain');
    const immutable = path.startsWith('/assets/');
    send(res, 200, body, TYPES[extname(path)] ?? 'application/octet-stream', {
      'Cache-Control': immutable ? 'private, max-age=31536000, immutable' : 'no-cache',
    });
  }

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n', 'text/plain');
      else res.end();
    });
  };
}
