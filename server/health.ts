/**
 * The health report behind `GET /healthz`: `ok` (200) only while this process counts, Redis is
 * readable, ticks flow and no alarm is active; 503 otherwise. A standby (or a process still taking
 * over, or one that lost the lease) says so and names the holder. What anonymous callers may see of
 * it is decided in http.ts (up or down only).
 *
 *   const health = new HealthReport({ now, tickIntervalMs, lease, alarms, publisher, counting });
 *   health.report();   // { ok, status, redis, lagMs, checkpoint, alarms, dedupe, eventLoopDelayMs, ... }
 *   health.stop();     // stops sampling the event loop
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AlarmBoard } from './alarms';
import type { Counting } from './counting';
import type { Lease } from './lease';
import type { Publisher } from './publish/publisher';

export interface HealthOptions {
  now: () => number;
  tickIntervalMs: number;
  lease: Pick<Lease, 'role' | 'holder' | 'token'>;
  alarms: Pick<AlarmBoard, 'active'>;
  publisher: Pick<Publisher, 'lastTickMs'>;
  /** What counts now: replaced when the process takes over; `ingest` undefined until it does. */
  counting: Pick<Counting, 'ingest' | 'live' | 'checkpointer' | 'aggregator'>;
}

export type Health = { ok: boolean } & Record<string, unknown>;

export class HealthReport {
  readonly #o: HealthOptions;
  // Event-loop delay: a stalled loop delays ingest and ticks alike, so health reports it.
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(o: HealthOptions) {
    this.#o = o;
    this.#loopDelay.enable();
  }

  report(): Health {
    const { now, lease, alarms, publisher, tickIntervalMs } = this.#o;
    const { ingest, live: counting, checkpointer: ck, aggregator } = this.#o.counting;
    const t = now();
    if (!ingest || !counting) {
      // A standby (or a process that lost the lease, or one still loading the checkpoint) counts nothing.
      return { ok: false, status: lease.role === 'owner' ? 'taking over' : lease.role, lease: { holder: lease.holder }, serverNowMs: t };
    }
    const src = ingest.status;
    const lastTickAgeMs = publisher.lastTickMs === null ? null : t - publisher.lastTickMs;
    const ok = src.redis === 'up' && lastTickAgeMs !== null && lastTickAgeMs < 5 * tickIntervalMs + 1000 && alarms.active().length === 0;
    const loop = this.#loopDelay;
    return {
      ok,
      status: 'owner',
      lease: { token: lease.token },
      redis: src.redis,
      staleSinceMs: src.staleSinceMs,
      lagMs: src.lagMs,
      lastTickAgeMs,
      serverNowMs: t,
      checkpoint: {
        lastSavedMs: ck.lastSavedMs,
        lastSaveDurationMs: ck.lastSaveDurationMs,
        maxSaveDurationMs: ck.maxSaveDurationMs,
        lastSaveBytes: ck.lastSaveBytes,
        saves: ck.saves,
        failures: ck.failures,
        consecutiveFailures: ck.consecutiveFailures,
        failingSinceMs: ck.failingSinceMs,
      },
      alarms: alarms.active().map((a) => ({ kind: a.kind, stream: a.stream, atMs: a.atMs, detail: a.detail })),
      dedupe: aggregator.dedupeStatus(),
      eventLoopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    };
  }

  stop(): void {
    this.#loopDelay.disable();
  }
}
