/**
 * `/api/admin/…` (admin role, checked by the caller): one row per route, keyed
 * `METHOD head[/:id][/ack]`. Every write takes a JSON body (a plain form cannot send one) and goes
 * through the admin plane, which audits it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminPlane } from '../admin';
import type { CredentialStore, Principal } from '../security/credentials';
import { fail, HttpError, json, noContent, readJson } from './respond';

export interface AdminRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  p: Principal;
  /** The decoded path segment after the route's head, e.g. a token id. */
  id: string;
  admin: AdminPlane;
  creds: CredentialStore;
}

type Route = (r: AdminRequest) => Promise<void> | void;

const body = <T>(r: AdminRequest): Promise<T> => readJson(r.req) as Promise<T>;

const ROUTES: Record<string, Route> = {
  'GET tokens': (r) => json(r.res, 200, r.creds.listTokens()),
  'POST tokens': async (r) => json(r.res, 201, await r.admin.createToken(r.p, await body<{ name?: unknown }>(r))),
  'DELETE tokens/:id': async (r) => ((await r.admin.revokeToken(r.p, r.id)) ? noContent(r.res) : fail(r.res, 404, 'no such token')),
  'GET accounts': (r) => json(r.res, 200, r.creds.listAccounts()),
  'POST accounts': async (r) => json(r.res, 201, await r.admin.putAccount(r.p, await body<Record<string, unknown>>(r))),
  'DELETE accounts/:id': async (r) => ((await r.admin.disableAccount(r.p, r.id)) ? noContent(r.res) : fail(r.res, 404, 'no such account')),
  'POST event': async (r) => json(r.res, 200, await r.admin.patchEvent(r.p, await body<object>(r))),
  'POST banner': async (r) => json(r.res, 201, await r.admin.setBanner(r.p, await body<Record<string, unknown>>(r))),
  'DELETE banner': async (r) => {
    await r.admin.clearBanner(r.p);
    noContent(r.res);
  },
  'POST alarms/:id/ack': async (r) => {
    await readJson(r.req); // `{}`, like every write
    const acked = await r.admin.ackAlarm(r.p, r.id);
    return acked ? json(r.res, 200, acked) : fail(r.res, 404, 'no such active alarm');
  },
  'POST reload': async (r) => {
    await r.admin.reload(r.p);
    noContent(r.res);
  },
  'GET audit': async (r) =>
    json(r.res, 200, await r.creds.listAudit(Math.min(1000, Math.max(1, Number(r.url.searchParams.get('count') ?? 200) || 200)))),
};

/** Answers `/api/admin/<sub>`; an unknown route is a 404. */
export async function adminRoute(method: string, sub: string, r: Omit<AdminRequest, 'id'>): Promise<void> {
  const [head, ...restParts] = sub.split('/');
  const rest = restParts.join('/');
  // `alarms/:id/ack`: the action after the id.
  const ack = head === 'alarms' && rest.endsWith('/ack');
  const arg = ack ? rest.slice(0, -'/ack'.length) : rest;
  const route = ROUTES[`${method} ${head}${arg ? '/:id' : ''}${ack ? '/ack' : ''}`];
  if (!route) throw new HttpError(404, 'no such route');
  return route({ ...r, id: decodeURIComponent(arg) });
}
