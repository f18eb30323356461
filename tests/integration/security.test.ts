/**
 * The security model against a real server and Redis: every page, API route and socket event for
 * anonymous, viewer (the env token and a named device token), executive and admin (accounts with
 * sessions, and the break-glass admin token), each cell asserted; revocation closes live sockets;
 * CSRF, rate limits, oversized and malformed socket payloads; the audit trail; sign-in back-off
 * per (address, username) and the bound on concurrent hashing; session cookies instead of tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { io as ioClient } from 'socket.io-client';
import { connectClient, startTestWarroom, testEvent, VIEWER_TOKEN, waitFor, type TestSocket, type TestWarroom } from '../support/warroom';
import type { AuditEntry, Me } from '../../shared/api';
import type { Banner } from '../../shared/wire';
import type { EventInfo } from '../../shared/domain';
import type { Snapshot } from '../../shared/wire';

const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
let w: TestWarroom;
const sockets: TestSocket[] = [];

interface Who {
  name: string;
  headers: Record<string, string>;
  /** Cookie-authenticated (browsers): writes carry our own Origin. */
  cookie: boolean;
}
const who: Record<'anonymous' | 'viewer' | 'device' | 'executive' | 'admin' | 'adminToken', Who> = {} as never;
const PASSWORDS = { exec1: 'Blue-Harbor-7421!', boss: 'Quiet-Mountain-9053#', leaver: 'Amber-Falcon-3317$' };
let deviceToken = '';

async function req(path: string, w0: Who, init: { method?: string; body?: unknown; origin?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...w0.headers };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const origin = init.origin === undefined ? (w0.cookie ? w.app.url : null) : init.origin;
  if (origin) headers.Origin = origin;
  return fetch(`${w.app.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: 'manual',
  });
}

async function login(username: string, password: string): Promise<string> {
  const r = await fetch(`${w.app.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: w.app.url },
    body: JSON.stringify({ username, password }),
  });
  expect(r.status).toBe(204);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

const bearer = (t: string): Who => ({ name: 'bearer', headers: { Authorization: `Bearer ${t}` }, cookie: false });

/** A request from another loopback address (127.0.0.0/8 is all local): another client, as the server sees it. */
function from(
  address: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const r = request(
      `${w.app.url}${path}`,
      {
        method: init.method ?? 'GET',
        localAddress: address,
        headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}
const signIn = (address: string, username: string, password: string) =>
  from(address, '/api/login', { method: 'POST', body: { username, password } });

beforeAll(async () => {
  w = await startTestWarroom({}, testEvent({ t0Ms: Date.now() - 60_000 }));
  await w.redis.xadd(`${w.prefix}orders`, '*', 'id', 'o1', 'amount', '100.00', 'region', 'CN-GD', 'channel', 'app', 'category', 'beauty');
  who.anonymous = { name: 'anonymous', headers: {}, cookie: false };
  who.viewer = { ...bearer(VIEWER_TOKEN), name: 'viewer' };
  who.adminToken = { ...bearer(ADMIN_TOKEN), name: 'admin token' };
  const t = await (await req('/api/admin/tokens', who.adminToken, { method: 'POST', body: { name: 'Hall A screen 1' } })).json();
  deviceToken = t.token;
  who.device = { ...bearer(deviceToken), name: 'device' };
  for (const [username, role] of [
    ['exec1', 'executive'],
    ['boss', 'admin'],
  ] as const) {
    const r = await req('/api/admin/accounts', who.adminToken, { method: 'POST', body: { username, password: PASSWORDS[username], role } });
    expect(r.status).toBe(201);
  }
  who.executive = { name: 'executive', headers: { Cookie: await login('exec1', PASSWORDS.exec1) }, cookie: true };
  who.admin = { name: 'admin', headers: { Cookie: await login('boss', PASSWORDS.boss) }, cookie: true };
  await waitFor(
    async () => ((await (await req('/api/state', who.viewer)).json()).totals.orders === 1 ? true : undefined),
    10_000,
    'order counted',
  );
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w?.close();
});

type Cell = number | [number, string];
/** Expected status per principal: [anonymous, viewer, device, executive, admin, admin token]. */
const MATRIX: [string, string, unknown, Cell[]][] = [
  ['GET', '/healthz', undefined, [200, 200, 200, 200, 200, 200]],
  ['GET', '/login', undefined, [200, 200, 200, 200, 200, 200]],
  ['GET', '/wall', undefined, [401, 200, 200, 200, 200, 200]],
  [
    'GET',
    '/',
    undefined,
    [[303, '/login?next=%2F'], [303, '/login?next=%2F&need=executive'], [303, '/login?next=%2F&need=executive'], 200, 200, 200],
  ],
  ['GET', '/admin', undefined, [[303, '/login?next=%2Fadmin'], 303, 303, [303, '/login?next=%2Fadmin&need=admin'], 200, 200]],
  ['GET', '/api/me', undefined, [401, 200, 200, 200, 200, 200]],
  ['GET', '/api/state', undefined, [401, 200, 200, 200, 200, 200]],
  ['GET', '/api/drill?dim=region&key=CN-GD', undefined, [401, 403, 403, 200, 200, 200]],
  ['GET', '/api/drill?dim=planet&key=x', undefined, [401, 403, 403, 400, 400, 400]],
  ['GET', '/api/admin/tokens', undefined, [401, 403, 403, 403, 200, 200]],
  ['GET', '/api/admin/accounts', undefined, [401, 403, 403, 403, 200, 200]],
  ['GET', '/api/admin/audit', undefined, [401, 403, 403, 403, 200, 200]],
  ['POST', '/api/admin/tokens', { name: 'matrix' }, [401, 403, 403, 403, 201, 201]],
  [
    'POST',
    '/api/admin/accounts',
    { username: 'matrix-user', password: 'Another-str0ng-one!', role: 'executive' },
    [401, 403, 403, 403, 201, 201],
  ],
  ['POST', '/api/admin/event', { target: '2000000.00' }, [401, 403, 403, 403, 200, 200]],
  ['POST', '/api/admin/banner', { text: 'Matrix banner', durationSec: 60 }, [401, 403, 403, 403, 201, 201]],
  ['DELETE', '/api/admin/banner', undefined, [401, 403, 403, 403, 204, 204]],
  ['POST', '/api/admin/reload', undefined, [401, 403, 403, 403, 204, 204]],
  ['DELETE', '/api/admin/tokens/nonexistent', undefined, [401, 403, 403, 403, 404, 404]],
  ['DELETE', '/api/admin/accounts/nobody', undefined, [401, 403, 403, 403, 404, 404]],
  ['POST', '/api/admin/alarms/nonexistent/ack', undefined, [401, 403, 403, 403, 404, 404]],
  ['GET', '/api/nothing-here', undefined, [401, 404, 404, 404, 404, 404]],
  ['PUT', '/api/state', undefined, [405, 405, 405, 405, 405, 405]],
];
const ORDER = ['anonymous', 'viewer', 'device', 'executive', 'admin', 'adminToken'] as const;

describe('authorization matrix (HTTP)', () => {
  it.each(MATRIX)('%s %s', async (method, path, body, cells) => {
    for (let i = 0; i < ORDER.length; i++) {
      const p = who[ORDER[i]!];
      const res = await req(path, p, { method, body: body ?? (method === 'POST' ? {} : undefined) });
      const cell = cells[i]!;
      const [status, location] = Array.isArray(cell) ? cell : [cell, undefined];
      expect(res.status, `${method} ${path} as ${p.name}`).toBe(status);
      if (location) expect(res.headers.get('location'), `${method} ${path} as ${p.name}`).toBe(location);
      if (status === 200 && path.startsWith('/api/')) expect(res.headers.get('content-type')).toMatch(/application\/json/);
      if (status >= 400 && path.startsWith('/api/') && status !== 405) expect(JSON.stringify(await res.json())).not.toMatch(/gmv|orders/i);
    }
  });

  it('says who is asking', async () => {
    const me = async (p: Who) => (await (await req('/api/me', p)).json()) as Me;
    expect(await me(who.viewer)).toEqual({ role: 'viewer', name: 'viewer token' });
    expect(await me(who.device)).toEqual({ role: 'viewer', name: 'Hall A screen 1' });
    expect(await me(who.executive)).toEqual({ role: 'executive', name: 'exec1' });
    expect(await me(who.admin)).toEqual({ role: 'admin', name: 'boss' });
  });

  it('refuses cookie-authenticated writes without our Origin (CSRF), and non-JSON bodies', async () => {
    expect((await req('/api/admin/reload', who.admin, { method: 'POST', origin: null })).status).toBe(403);
    expect((await req('/api/admin/reload', who.admin, { method: 'POST', origin: 'https://evil.example' })).status).toBe(403);
    expect((await req('/api/admin/alarms/x/ack', who.admin, { method: 'POST', origin: 'https://evil.example' })).status).toBe(403);
    const form = await fetch(`${w.app.url}/api/admin/banner`, {
      method: 'POST',
      headers: { ...who.admin.headers, Origin: w.app.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'text=x&durationSec=60',
    });
    expect(form.status).toBe(415);
    const big = await req('/api/admin/banner', who.adminToken, { method: 'POST', body: { text: 'x'.repeat(20_000), durationSec: 60 } });
    expect(big.status).toBe(413);
    expect(
      (
        await req('/api/login', who.anonymous, {
          method: 'POST',
          body: { username: 'boss', password: 'x' },
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
  });

  it('rejects bad admin input with a message naming the field', async () => {
    const bad = async (path: string, body: unknown) => {
      const r = await req(path, who.adminToken, { method: 'POST', body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      return ((await r.json()) as { error: string }).error;
    };
    expect(await bad('/api/admin/event', { target: '1e9' })).toMatch(/^target/);
    expect(await bad('/api/admin/event', { t0Ms: 1, shiftSeconds: 5 })).toMatch(/not both/);
    expect(await bad('/api/admin/event', { milestones: ['50.00'] })).toMatch(/milestones\[0\] is already below the GMV/);
    expect(await bad('/api/admin/banner', { text: '', durationSec: 60 })).toMatch(/^text/);
    expect(await bad('/api/admin/banner', { text: 'hi', durationSec: 1 })).toMatch(/^durationSec/);
    expect(await bad('/api/admin/accounts', { username: 'weak', password: 'password2026', role: 'executive' })).toMatch(/^password/);
    expect(await bad('/api/admin/accounts', { username: 'Bad Name', password: 'Str0ng-enough-pass!', role: 'executive' })).toMatch(
      /^username/,
    );
    expect(await bad('/api/admin/accounts', { username: 'okname', password: 'Str0ng-enough-pass!', role: 'root' })).toMatch(/^role/);
  });
});

describe('sign-in', () => {
  it('refuses wrong passwords, then rate-limits guessing', async () => {
    const attempt = (password: string) =>
      fetch(`${w.app.url}/api/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'guessme', password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses).toContain(429);
  });
  it('backs off per (address, username): a guesser elsewhere cannot lock the admin out', async () => {
    const guesser = '127.0.0.2';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(guesser, 'boss', `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const locked = await signIn(guesser, 'boss', PASSWORDS.boss); // even the right password waits
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The admin signing in from another address is not affected, nor is another account from the guesser's.
    const admin = await signIn('127.0.0.3', 'boss', PASSWORDS.boss);
    expect(admin.status).toBe(204);
    expect((await signIn(guesser, 'exec1', PASSWORDS.exec1)).status).toBe(204);
    // Each further failure doubles the wait.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await signIn(guesser, 'boss', 'wrong-again')).status).toBe(401);
    const longer = await signIn(guesser, 'boss', 'wrong-again');
    expect(longer.status).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBeGreaterThanOrEqual(2);
  });

  it('bounds concurrent password hashing: a burst is refused early with 503, and sign-in works after', async () => {
    // 40 attempts at once from 40 addresses (no per-address limit applies), unknown users (hashed all the same).
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(`127.0.1.${i + 1}`, `nobody-${i}`, 'Some-guess-1234')));
    const count = (st: number) => burst.filter((r) => r.status === st).length;
    expect(count(401) + count(503)).toBe(40);
    expect(count(503)).toBeGreaterThan(20); // refused without hashing
    const busy = burst.find((r) => r.status === 503)!;
    expect(busy.headers['retry-after']).toBe('2');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await signIn('127.0.0.4', 'exec1', PASSWORDS.exec1)).status).toBe(204);
  });

  it('ends the session on logout', async () => {
    const cookie = await login('exec1', PASSWORDS.exec1);
    const p: Who = { name: 'exec', headers: { Cookie: cookie }, cookie: true };
    expect((await req('/api/me', p)).status).toBe(200);
    const out = await req('/api/logout', p, { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/wr_session=; .*Max-Age=0/);
    expect((await req('/api/me', p)).status).toBe(401);
  });
});

describe('health', () => {
  it('tells anonymous callers only up or down, and any credential the figures', async () => {
    const anon = await req('/healthz', who.anonymous);
    expect(anon.status).toBe(200);
    expect(await anon.json()).toEqual({ ok: true, status: 'up' });
    for (const p of [who.viewer, who.device, who.executive, who.admin, who.adminToken]) {
      const body = (await (await req('/healthz', p)).json()) as Record<string, unknown>;
      expect(body, p.name).toMatchObject({ ok: true, redis: 'up' });
      expect(Object.keys(body), p.name).toEqual(expect.arrayContaining(['dedupe', 'checkpoint', 'lastTickAgeMs', 'alarms']));
    }
    expect(await (await req('/healthz', bearer('not-a-token-not-a-token'))).json()).toEqual({ ok: true, status: 'up' });
  });
});

describe('session cookies', () => {
  const cookieOf = (res: Response, name: string): string | undefined => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

  it('trades ?token= for a session id, never the token, HttpOnly and SameSite=Strict; Secure only over HTTPS', async () => {
    const res = await fetch(`${w.app.url}/wall?token=${encodeURIComponent(deviceToken)}&lang=en`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/wall?lang=en');
    const set = cookieOf(res, 'wr_session')!;
    expect(set).toMatch(/^wr_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(res.headers.getSetCookie().join('\n')).not.toContain(encodeURIComponent(deviceToken));
    expect(cookieOf(res, 'wr_token')).toMatch(/Max-Age=0/); // any raw-token cookie of an older version goes
    const cookie = set.split(';')[0]!;
    expect((await req('/wall', { name: 'wall', headers: { Cookie: cookie }, cookie: true })).status).toBe(200);
    expect(await (await req('/api/me', { name: 'wall', headers: { Cookie: cookie }, cookie: true })).json()).toEqual({
      role: 'viewer',
      name: 'Hall A screen 1',
    });
    // Behind a TLS proxy that says so, and for a signed-in account too: Secure.
    const viaTls = await fetch(`${w.app.url}/wall?token=${encodeURIComponent(VIEWER_TOKEN)}`, {
      redirect: 'manual',
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(cookieOf(viaTls, 'wr_session')).toMatch(/; Secure; Max-Age=/);
    const login = await fetch(`${w.app.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: w.app.url, 'X-Forwarded-Proto': 'https' },
      body: JSON.stringify({ username: 'exec1', password: PASSWORDS.exec1 }),
    });
    expect(cookieOf(login, 'wr_session')).toMatch(new RegExp(`; Secure; Max-Age=${12 * 3600}$`));
    // The admin token's session is a sign-in's length, not a wall's.
    const admin = await fetch(`${w.app.url}/admin?token=${encodeURIComponent(ADMIN_TOKEN)}`, { redirect: 'manual' });
    expect(cookieOf(admin, 'wr_session')).toMatch(new RegExp(`Max-Age=${12 * 3600}$`));
  });

  it('revoking a token ends the sessions traded for it, and their sockets', async () => {
    const t = await (await req('/api/admin/tokens', who.adminToken, { method: 'POST', body: { name: 'to revoke via cookie' } })).json();
    const res = await fetch(`${w.app.url}/wall?token=${encodeURIComponent(t.token)}`, { redirect: 'manual' });
    const wall: Who = { name: 'wall', headers: { Cookie: cookieOf(res, 'wr_session')!.split(';')[0]! }, cookie: true };
    expect((await req('/api/state', wall)).status).toBe(200);
    const s = connectClient(w.app.url, null, { extraHeaders: wall.headers });
    sockets.push(s);
    await new Promise((resolve, reject) => {
      s.once('snapshot', resolve);
      s.once('connect_error', reject);
    });
    const gone = new Promise((r) => s.once('disconnect', r));
    expect((await req(`/api/admin/tokens/${t.info.id}`, who.admin, { method: 'DELETE' })).status).toBe(204);
    await gone;
    expect((await req('/api/state', wall)).status).toBe(401);
    expect((await req('/wall', wall)).status).toBe(401);
  });

  it('trades a raw-token cookie an older version set for a session on the next page', async () => {
    const res = await fetch(`${w.app.url}/wall`, { headers: { Cookie: `wr_token=${encodeURIComponent(VIEWER_TOKEN)}` } });
    expect(res.status).toBe(200);
    expect(cookieOf(res, 'wr_session')).toMatch(/^wr_session=[A-Za-z0-9_-]{40,};/);
    expect(cookieOf(res, 'wr_token')).toMatch(/Max-Age=0/);
  });
});

describe('sockets', () => {
  const connect = (opts: { token?: string | null; cookie?: string }): TestSocket => {
    const s = connectClient(w.app.url, opts.token ?? null, opts.cookie ? { extraHeaders: { Cookie: opts.cookie } } : {});
    sockets.push(s);
    return s;
  };
  const connected = (s: TestSocket) =>
    new Promise<Snapshot>((resolve, reject) => {
      s.once('snapshot', resolve);
      s.once('connect_error', reject);
    });

  it('admits viewer, device, executive and admin credentials, refuses anonymous and foreign origins', async () => {
    await expect(connected(connect({ token: VIEWER_TOKEN }))).resolves.toHaveProperty('kind', 'snapshot');
    await expect(connected(connect({ token: deviceToken }))).resolves.toHaveProperty('kind', 'snapshot');
    await expect(connected(connect({ cookie: who.executive.headers.Cookie }))).resolves.toHaveProperty('kind', 'snapshot');
    await expect(connected(connect({ token: ADMIN_TOKEN }))).resolves.toHaveProperty('kind', 'snapshot');
    await expect(connected(connect({}))).rejects.toThrow('unauthorized');
    const foreign = ioClient(w.app.url, {
      transports: ['websocket'],
      auth: { token: VIEWER_TOKEN },
      extraHeaders: { Origin: 'https://evil.example' },
      reconnection: false,
    });
    sockets.push(foreign as TestSocket);
    await expect(new Promise((_r, reject) => foreign.once('connect_error', reject))).rejects.toBeTruthy();
  });

  it('lets every authenticated client resync and probe the clock; client-sent admin-like events do nothing', async () => {
    const s = connect({ token: deviceToken });
    await connected(s);
    const snap = await new Promise<Snapshot>((r) => s.emit('resync', r));
    expect(snap.kind).toBe('snapshot');
    const t = await new Promise<number>((r) => s.emit('time', r));
    expect(Math.abs(t - Date.now())).toBeLessThan(5000);
    let reloaded = false;
    const watcher = connect({ token: VIEWER_TOKEN });
    await connected(watcher);
    watcher.on('reload', () => (reloaded = true));
    (s as unknown as { emit(ev: string, ...a: unknown[]): void }).emit('reload');
    (s as unknown as { emit(ev: string, ...a: unknown[]): void }).emit('banner', { text: 'pwned', untilMs: Date.now() + 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(reloaded).toBe(false);
    expect(((await (await req('/api/state', who.viewer)).json()) as Snapshot).banner?.text).not.toBe('pwned');
  });

  it('drops a client that sends an oversized or malformed payload, without harming the others', async () => {
    const bystander = connect({ token: VIEWER_TOKEN });
    await connected(bystander);
    let ticks = 0;
    bystander.on('tick', () => ticks++);
    const rogue = connect({ token: deviceToken });
    await connected(rogue);
    const gone = new Promise<string>((r) => rogue.once('disconnect', r));
    (rogue as unknown as { emit(ev: string, ...a: unknown[]): void }).emit('resync', 'x'.repeat(100_000));
    expect(await gone).toMatch(/transport close|transport error|parse error/);
    const malformed = connect({ token: deviceToken });
    await connected(malformed);
    const m = malformed as unknown as { emit(ev: string, ...a: unknown[]): void };
    m.emit('time', 'not-a-function');
    m.emit('resync', { __proto__: { polluted: true } });
    for (let i = 0; i < 200; i++) m.emit('time', () => undefined); // a flood: rate-limited, not served
    const before = ticks;
    await new Promise((r) => setTimeout(r, 600));
    expect(ticks - before).toBeGreaterThan(2); // the bystander kept getting ticks
    expect((await fetch(`${w.app.url}/healthz`)).status).toBe(200);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('closes the live sockets of a revoked token and a disabled account at once, and refuses them after', async () => {
    const t = await (await req('/api/admin/tokens', who.adminToken, { method: 'POST', body: { name: 'to revoke' } })).json();
    const dev = connect({ token: t.token });
    await connected(dev);
    await req('/api/admin/accounts', who.adminToken, {
      method: 'POST',
      body: { username: 'leaver', password: PASSWORDS.leaver, role: 'executive' },
    });
    const leaverCookie = await login('leaver', PASSWORDS.leaver);
    const exec = connect({ cookie: leaverCookie });
    await connected(exec);
    const devGone = new Promise((r) => dev.once('disconnect', r));
    const execGone = new Promise((r) => exec.once('disconnect', r));
    const t0 = Date.now();
    expect((await req(`/api/admin/tokens/${t.info.id}`, who.admin, { method: 'DELETE' })).status).toBe(204);
    expect((await req('/api/admin/accounts/leaver', who.admin, { method: 'DELETE' })).status).toBe(204);
    await Promise.all([devGone, execGone]);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect((await req('/api/state', bearer(t.token))).status).toBe(401);
    expect((await req('/api/state', { name: 'leaver', headers: { Cookie: leaverCookie }, cookie: true })).status).toBe(401);
    expect((await fetch(`${w.app.url}/wall?token=${encodeURIComponent(t.token)}`, { redirect: 'manual' })).status).toBe(401);
    await expect(connected(connect({ token: t.token }))).rejects.toThrow('unauthorized');
  });

  it('pushes the banner, T0 shifts and reloads to every screen', async () => {
    const s = connect({ token: VIEWER_TOKEN });
    const snap = await connected(s);
    const gotBanner = new Promise<Banner | null>((r) => s.once('banner', r));
    await req('/api/admin/banner', who.admin, { method: 'POST', body: { text: 'Dispatch pause 02:00–02:15', durationSec: 120 } });
    expect((await gotBanner)?.text).toBe('Dispatch pause 02:00–02:15');
    const gotEvent = new Promise<EventInfo>((r) => s.once('event', r));
    // The event has started: the move needs confirming (it re-stamps every T+ time on the screens).
    expect((await req('/api/admin/event', who.admin, { method: 'POST', body: { shiftSeconds: 30 } })).status).toBe(409);
    await req('/api/admin/event', who.admin, { method: 'POST', body: { shiftSeconds: 30, confirm: true } });
    expect((await gotEvent).t0Ms).toBe(snap.event.t0Ms + 30_000);
    const gotReload = new Promise<void>((r) => s.once('reload', () => r()));
    await req('/api/admin/reload', who.admin, { method: 'POST' });
    await gotReload;
    const later = await new Promise<Snapshot>((r) => s.emit('resync', r));
    expect(later.banner?.text).toBe('Dispatch pause 02:00–02:15');
    expect(later.event.t0Ms).toBe(snap.event.t0Ms + 30_000);
  });
});

describe('audit', () => {
  it('records who did what, old → new, and never a secret', async () => {
    const list = (await (await req('/api/admin/audit', who.admin)).json()) as AuditEntry[];
    const actions = list.map((e) => e.action);
    for (const a of [
      'token.create',
      'token.revoke',
      'account.create',
      'account.disable',
      'event.update',
      'banner.set',
      'banner.clear',
      'screens.reload',
    ])
      expect(actions).toContain(a);
    expect(list[0]!.atMs).toBeGreaterThanOrEqual(list[list.length - 1]!.atMs); // newest first
    const shift = list.find((e) => e.action === 'event.update' && e.who === 'account:boss')!;
    expect(JSON.parse(shift.old).t0).not.toBe(JSON.parse(shift.new).t0);
    expect(list.find((e) => e.action === 'token.create')!.who).toBe('token:admin');
    const all = JSON.stringify(list);
    expect(all).not.toContain(deviceToken);
    for (const pw of Object.values(PASSWORDS)) expect(all).not.toContain(pw);
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toMatch(/scrypt\$/);
  });
});

describe('connection limits', () => {
  it('refuses sockets past the per-credential and per-address bounds, and admits again when one closes', async () => {
    const small = await startTestWarroom({ WARROOM_MAX_SOCKETS_PER_CREDENTIAL: '3', WARROOM_MAX_SOCKETS_PER_IP: '5' });
    const mine: TestSocket[] = [];
    const open = (token: string) => {
      const s = connectClient(small.app.url, token);
      mine.push(s);
      return new Promise<TestSocket>((resolve, reject) => {
        s.once('snapshot', () => resolve(s));
        s.once('connect_error', reject);
      });
    };
    try {
      const three = await Promise.all([open(VIEWER_TOKEN), open(VIEWER_TOKEN), open(VIEWER_TOKEN)]);
      await expect(open(VIEWER_TOKEN)).rejects.toThrow('too many connections for this credential');
      await Promise.all([open(ADMIN_TOKEN), open(ADMIN_TOKEN)]); // another credential: 5 from this address
      await expect(open(ADMIN_TOKEN)).rejects.toThrow('too many connections from this address');
      three[0]!.close();
      await new Promise((r) => setTimeout(r, 200));
      await expect(open(VIEWER_TOKEN)).resolves.toBeTruthy();
    } finally {
      for (const s of mine) s.close();
      await small.close();
    }
  });
});
