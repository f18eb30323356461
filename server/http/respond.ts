/**
 * Writing HTTP answers: every answer carries the security headers and `no-store` unless told
 * otherwise; errors are JSON `{ error }`. Request bodies are small JSON or refused with a status
 * ({@link HttpError}) that the router turns into the answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Headers = Record<string, string | string[]>;

export const TYPES: Record<string, string> = {
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

export function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Headers = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

export function json(res: ServerResponse, status: number, data: unknown, extra: Headers = {}): void {
  send(res, status, JSON.stringify(data), 'application/json; charset=utf-8', extra);
}

export const fail = (res: ServerResponse, status: number, error: string, extra: Headers = {}): void => json(res, status, { error }, extra);

export const noContent = (res: ServerResponse, extra: Headers = {}): void => send(res, 204, '', 'text/plain', extra);

/** A refusal with its status, thrown anywhere below the router. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
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

/** The request's own origin as a browser would send it. */
export function ownOrigins(req: IncomingMessage): string[] {
  const host = req.headers.host ?? '';
  return [`http://${host}`, `https://${host}`];
}
