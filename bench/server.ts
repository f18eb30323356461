/**
 * The system under test as production runs it: `node dist/server/main.js` in its own process
 * (so its CPU can be read from /proc), on a free loopback port, with the viewer token and a
 * key prefix of the benchmark's choosing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../scripts/redis-process';
import { stopChild, track } from './proc';

export const VIEWER_TOKEN = 'bench-viewer-token-0123456789abcdef';
const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Last lines the server wrote to stderr (its log), for error reports. */
  logTail(): string;
  stop(): Promise<void>;
}

/** `/api/state` fields the benchmark reads. */
export interface ApiStateLite {
  orders: number;
  gmv: string;
  rejected: number;
  tickIntervalMs: number;
  /** `duplicates` appeared with the dedupe window; optional so older builds still read. */
  totals: { duplicates?: number; rejectedByReason?: Record<string, number> };
}

/** `/healthz` fields the benchmark reads (with a credential: anonymous callers see only up or down). */
export interface HealthLite {
  ok: boolean;
  dedupe?: { ids: number; earlyRotations: number };
  /** Appeared with checkpoints (server/checkpoint.ts). */
  checkpoint?: {
    lastSavedMs: number | null;
    lastSaveDurationMs: number | null;
    maxSaveDurationMs: number;
    lastSaveBytes: number;
    saves: number;
    failures: number;
  };
}

export async function fetchHealth(url: string): Promise<HealthLite> {
  const res = await fetch(`${url}/healthz`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` }, signal: AbortSignal.timeout(5000) });
  return (await res.json()) as HealthLite;
}

export async function fetchState(url: string): Promise<ApiStateLite> {
  const res = await fetch(`${url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` }, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`/api/state answered ${res.status}`);
  return (await res.json()) as ApiStateLite;
}

export async function startServer(redisUrl: string, keyPrefix: string, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    WARROOM_VIEWER_TOKEN: VIEWER_TOKEN,
    WARROOM_ADMIN_TOKEN: ADMIN_TOKEN,
    WARROOM_KEY_PREFIX: keyPrefix,
    // Many test clients share one address and one token.
    WARROOM_MAX_SOCKETS_PER_IP: '5000',
    WARROOM_MAX_SOCKETS_PER_CREDENTIAL: '5000',
    WARROOM_T0: 'now+0s',
    ...extraEnv,
  };
  // BENCH_NODE_ARGS passes flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a phase.
  const child = track(
    spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), 'dist/server/main.js'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  const tail: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    tail.push(...s.split('\n').filter(Boolean));
    if (tail.length > 20) tail.splice(0, tail.length - 20);
  });
  const url = `http://127.0.0.1:${port}`;
  const proc: ServerProcess = { url, pid: child.pid!, child, logTail: () => tail.join('\n'), stop: () => stopChild(child) };

  // Ready = /healthz says ok (Redis up and a tick sent), bounded.
  const until = Date.now() + 15_000;
  for (let i = 0; i < 300 && Date.now() < until; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await proc.stop();
  throw new Error(`server did not become healthy within 15 s (exit ${child.exitCode}):\n${proc.logTail()}`);
}
