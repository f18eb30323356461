/** Shared pieces of the fault tests: a server environment and reading its state over HTTP. */
import type { ApiState } from '../../server/app';

export const FAULT_VIEWER_TOKEN = 'fault-viewer-token-0123456789';

export function serverEnv(redisUrl: string, t0Iso: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    WARROOM_VIEWER_TOKEN: FAULT_VIEWER_TOKEN,
    WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%',
    WARROOM_EVENT: 'events/demo.json',
    // Many test clients share one address and one token.
    WARROOM_MAX_SOCKETS_PER_IP: '5000',
    WARROOM_MAX_SOCKETS_PER_CREDENTIAL: '5000',
    WARROOM_T0: t0Iso,
    ...extra,
  };
}

export async function apiState(url: string): Promise<ApiState | null> {
  try {
    const res = await fetch(`${url}/api/state`, {
      headers: { Authorization: `Bearer ${FAULT_VIEWER_TOKEN}` },
      signal: AbortSignal.timeout(3000),
    });
    return res.ok ? ((await res.json()) as ApiState) : null;
  } catch {
    return null;
  }
}

/** `/healthz` with the viewer token: the full figures (anonymous callers get only up or down). */
export async function health(url: string): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const res = await fetch(`${url}/healthz`, {
      headers: { Authorization: `Bearer ${FAULT_VIEWER_TOKEN}` },
      signal: AbortSignal.timeout(3000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    return null;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until the server has applied at least `orders` and is caught up with the streams; returns its state. */
export async function drained(url: string, orders: number, timeoutMs = 90_000): Promise<ApiState> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await apiState(url);
    if (s && s.orders >= orders && s.source.lagMs === 0) return s;
    if (Date.now() > until) throw new Error(`timed out waiting for the server to apply ${orders} orders (has ${s?.orders ?? 'no answer'})`);
    await sleep(50);
  }
}

/** Waits until the server at `url` holds the ingest lease and counts (not a standby); returns its health. */
export async function whenOwner(url: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(url);
    if (h?.body.status === 'owner') return h.body;
    if (Date.now() > until)
      throw new Error(`${url} did not take the ingest lease within ${timeoutMs} ms (status ${String(h?.body.status)})`);
    await sleep(20);
  }
}
