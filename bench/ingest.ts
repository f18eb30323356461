/**
 * Phase (a): ingest throughput of one server process, with the producer and Redis on the same
 * box. A fresh redis-server and server per run (nothing left from a previous run, Redis memory
 * given back). The producer writes flat out for a bounded time and count; the server is polled
 * on /api/state until it has applied everything, and its totals are compared with the ledger.
 */
import { startRedis } from '../scripts/redis-process';
import { formatMinor } from '../shared/money';
import { forkHelper } from './ipc';
import { CpuWindow, otherCpuPercent, peakRssMiB, track } from './proc';
import type { ProducerArgs, ProducerResult } from './producer';
import { fetchHealth, fetchState, startServer } from './server';

export interface IngestOptions {
  /** Orders per entry; 0 = single-order form. */
  batch: number;
  seconds: number;
  maxOrders: number;
  /** Bound on the wait for the server to apply everything after the producer stopped. */
  drainTimeoutMs: number;
  seed: number;
  /** Extra server environment (for one-off experiments; the benchmark runs the defaults). */
  serverEnv?: Record<string, string>;
}

export interface IngestResult {
  batch: number;
  entries: number;
  orders: number;
  producerSeconds: number;
  producerEntriesPerS: number;
  producerOrdersPerS: number;
  /** Whether the server applied every written order within the bound. */
  drained: boolean;
  /** First write → server has applied all (or the bound), s. */
  applySeconds: number;
  serverOrdersPerS: number;
  serverEntriesPerS: number;
  /** Orders written but not yet applied when the producer finished. */
  backlogAtProducerEnd: number | null;
  /** Producer finished → server applied all, ms. */
  drainAfterProducerMs: number | null;
  serverCpuPercent: number | null;
  redisCpuPercent: number | null;
  producerCpuPercent: number;
  /** CPU of processes outside the measurement (other jobs on the box) over the same window. */
  otherCpuPercent: number | null;
  /** Server process peak resident memory (VmHWM), MiB. */
  serverPeakRssMiB: number | null;
  serverOrders: number;
  serverGmv: string;
  expectedGmv: string;
  rejected: number;
  /** Orders the server took for retries (all ids are distinct here, so anything but 0 is wrong). */
  duplicates: number | null;
  /** Server's dedupe window after the run (from /healthz): ids held, early rotations. */
  dedupeIds: number | null;
  dedupeEarlyRotations: number | null;
  producerErrors: number;
  /** orders and gmv equal the ledger exactly, nothing rejected. */
  exact: boolean;
}

const POLL_MS = 50;

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  const redis = await startRedis();
  track(redis.proc);
  const cleanups: (() => Promise<void>)[] = [() => redis.stop()];
  try {
    const server = await startServer(redis.url, `b${o.batch}:`, o.serverEnv);
    cleanups.unshift(() => server.stop());
    const args: ProducerArgs = {
      redisUrl: redis.url, key: `b${o.batch}:orders`, mode: 'flat', batch: o.batch, seconds: o.seconds,
      maxOrders: o.maxOrders, rate: 0, seed: o.seed, idPrefix: `a${o.batch}-`,
    };
    const producer = forkHelper('bench/producer.ts', [JSON.stringify(args)]);
    cleanups.unshift(async () => void producer.child.kill('SIGTERM'));
    await producer.next('ready', 20_000);

    const serverCpu = CpuWindow.ofPid(server.pid);
    const redisCpu = CpuWindow.ofPid(redis.proc.pid);
    const machineCpu = CpuWindow.machine();
    const selfCpu = CpuWindow.self();
    producer.send({ type: 'go' });

    // Poll the server's count while the producer runs; keep the last answer and when it came.
    let last = { orders: 0, atMs: Date.now() };
    const history: (typeof last)[] = [];
    let polling = true;
    const maxPolls = Math.ceil((o.seconds * 1000 + o.drainTimeoutMs + 40_000) / POLL_MS);
    const poller = (async () => {
      for (let i = 0; polling && i < maxPolls; i++) {
        try {
          const s = await fetchState(server.url);
          last = { orders: s.orders, atMs: Date.now() };
          history.push(last);
        } catch {
          // a slow answer under load is not fatal; the next poll tries again
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();

    const { result: p } = await producer.next<{ result: ProducerResult }>('done', o.seconds * 1000 + 30_000);
    const producerEndMs = Date.now();
    // Backlog when the producer's last write was acknowledged: from the last answer received
    // before that (an answer is a little older than its arrival, so this slightly overstates it).
    const before = history.filter((h) => h.atMs <= p.lastAckMs).pop();
    const backlog = before ? p.orders - before.orders : null;

    // Bounded wait for the server to have applied all that was acknowledged.
    const until = producerEndMs + o.drainTimeoutMs;
    while (last.orders < p.orders && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const drained = last.orders >= p.orders;
    const appliedAt = drained ? last.atMs : Date.now();
    const serverCpuPercent = serverCpu.percent();
    const redisCpuPercent = redisCpu.percent();
    const otherPercent = otherCpuPercent(machineCpu, [serverCpu.seconds(), redisCpu.seconds(), selfCpu.seconds(), p.cpuMs / 1000]);
    polling = false;
    await poller;

    const final = await fetchState(server.url);
    const health = await fetchHealth(server.url).catch(() => null);
    const serverPeakRssMiB = peakRssMiB(server.pid);
    const expectedGmv = formatMinor(BigInt(p.sumMinor), 2);
    const applySeconds = (appliedAt - p.firstWriteMs) / 1000;
    const producerSeconds = Math.max(0.001, (p.lastAckMs - p.firstWriteMs) / 1000);
    const applied = drained ? p.orders : last.orders;
    return {
      batch: o.batch,
      entries: p.entries,
      orders: p.orders,
      producerSeconds,
      producerEntriesPerS: p.entries / producerSeconds,
      producerOrdersPerS: p.orders / producerSeconds,
      drained,
      applySeconds,
      serverOrdersPerS: applied / applySeconds,
      serverEntriesPerS: applied / Math.max(1, o.batch) / applySeconds,
      backlogAtProducerEnd: backlog,
      drainAfterProducerMs: drained ? Math.max(0, appliedAt - producerEndMs) : null,
      serverCpuPercent,
      redisCpuPercent,
      producerCpuPercent: (p.cpuMs / 1000 / producerSeconds) * 100,
      otherCpuPercent: otherPercent,
      serverPeakRssMiB,
      serverOrders: final.orders,
      serverGmv: final.gmv,
      expectedGmv,
      rejected: final.rejected,
      duplicates: final.totals.duplicates ?? null,
      dedupeIds: health?.dedupe?.ids ?? null,
      dedupeEarlyRotations: health?.dedupe?.earlyRotations ?? null,
      producerErrors: p.errors,
      exact: final.orders === p.orders && final.gmv === expectedGmv && final.rejected === 0 && (final.totals.duplicates ?? 0) === 0 && p.errors === 0,
    };
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}
