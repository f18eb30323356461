/**
 * The HTTP calls of the sign-in and admin pages, typed with shared/api.ts. Every request sends the
 * session cookie (`credentials: 'same-origin'`); bodies are JSON. A non-2xx answer throws an
 * `ApiError` carrying the status and the server's `{error}` message when it sent one.
 */
import type { AccountInfo, AuditEntry, ConfirmNeeded, EventPatch, Me, ViewerTokenInfo } from '../../shared/api';
import type { EventInfo } from '../../shared/domain';
import type { Alarm, Banner } from '../../shared/wire';

export class ApiError extends Error {
  readonly status: number;
  /** The answer's JSON body, when it sent one (e.g. the 409 of a T0 move that needs confirming). */
  readonly body: unknown;
  constructor(status: number, message: string, body: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** The 409 of a T0 move after T0: what it would change, to show before confirming. */
export function confirmNeeded(e: unknown): ConfirmNeeded | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const b = e.body as Partial<ConfirmNeeded> | null;
  return b && typeof b.error === 'string' && typeof b.t0Change === 'object' && b.t0Change !== null ? (b as ConfirmNeeded) : null;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** The error for a failed answer: the server's `{error}` JSON, else short plain text, else the status. */
async function failure(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    // No body.
  }
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string')
      return new ApiError(res.status, (body as { error: string }).error, body);
  } catch {
    // Not JSON.
  }
  const plain = text.trim();
  if (plain && plain.length <= 300 && !plain.startsWith('<')) return new ApiError(res.status, plain);
  return new ApiError(res.status, `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
}

async function call(method: Method, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  // State-changing requests always carry a JSON body (`{}` when there is nothing to say), so a
  // server that insists on `Content-Type: application/json` for them (a CSRF guard) accepts them.
  if (method !== 'GET') {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) throw await failure(res);
  return res;
}

async function json<T>(method: Method, path: string, body?: unknown): Promise<T> {
  return (await (await call(method, path, body)).json()) as T;
}

async function none(method: Method, path: string, body?: unknown): Promise<void> {
  await call(method, path, body);
}

export type LoginResult = 'ok' | 'wrong' | 'rate-limited' | 'error';

/** POST /api/login: 204 signs in (session cookie), 401 wrong credentials, 429 too many attempts. */
export async function login(username: string, password: string): Promise<LoginResult> {
  try {
    await none('POST', '/api/login', { username, password });
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return 'wrong';
    if (e instanceof ApiError && e.status === 429) return 'rate-limited';
    return 'error';
  }
}

export const logout = (): Promise<void> => none('POST', '/api/logout');
export const getMe = (): Promise<Me> => json<Me>('GET', '/api/me');

export const listTokens = (): Promise<ViewerTokenInfo[]> => json('GET', '/api/admin/tokens');
export const createToken = (name: string): Promise<{ token: string; info: ViewerTokenInfo }> => json('POST', '/api/admin/tokens', { name });
export const revokeToken = (id: string): Promise<void> => none('DELETE', `/api/admin/tokens/${encodeURIComponent(id)}`);

export const listAccounts = (): Promise<AccountInfo[]> => json('GET', '/api/admin/accounts');
export const createAccount = (a: { username: string; password: string; role: AccountInfo['role'] }): Promise<AccountInfo> =>
  json('POST', '/api/admin/accounts', a);
export const disableAccount = (username: string): Promise<void> => none('DELETE', `/api/admin/accounts/${encodeURIComponent(username)}`);

export const patchEvent = (patch: EventPatch): Promise<EventInfo> => json('POST', '/api/admin/event', patch);

export const setBanner = (text: string, durationSec: number): Promise<Banner> => json('POST', '/api/admin/banner', { text, durationSec });
export const clearBanner = (): Promise<void> => none('DELETE', '/api/admin/banner');
export const reloadScreens = (): Promise<void> => none('POST', '/api/admin/reload');

export const ackAlarm = (id: string): Promise<Alarm> => json('POST', `/api/admin/alarms/${encodeURIComponent(id)}/ack`);

export const listAudit = (): Promise<AuditEntry[]> => json('GET', '/api/admin/audit');
