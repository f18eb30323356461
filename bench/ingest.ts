/**
 * Phase (a): ingest throughput of one server process, with the producer and Redis on the same
 * box. A fresh redis-server and server per run (nothing left from a previous run, Redis memory
 * given back). The producer writes flat out for a bounded time and count; the server is polled
 * on /api/state until it has judged everything (applied, or rejected for a poison entry), and its
 * totals are compared with the ledger.
 */
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/redis-process';
import { DEAD_MAXLEN } from '../server/ingest/deadletter';
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
  /** Extra server environment (e.g. WARROOM_CHECKPOINT_MS=600000 to leave checkpoints out of a run). */
  serverEnv?: Record<string, string>;
  /** Single form only: every n-th entry has an invalid amount (see ProducerArgs.poisonEvery). */
  poisonEvery?: number;
  /** Entries per second to pace the producer at (poison included); flat out when absent. */
  ratePerS?: number;
}

/** The server's checkpoint figures from /healthz after the run. */
export interface CheckpointFigures {
  /** WARROOM_CHECKPOINT_MS the server ran with (its default when the run did not set it). */
  intervalMs: number;
  saves: number;
  failures: number;
  maxSaveDurationMs: number;
  lastSaveDurationMs: number | null;
  lastSaveBytes: number;
}

/** Poison runs: what became of the invalid entries. */
export interface PoisonFigures {
  /** Poison entries written (acknowledged by Redis). */
  entries: number;
  /** Rejections by code: expected from what was written, and as the server counted them. */
  expectedByCode: Record<string, number>;
  serverByCode: Record<string, number>;
  /** Length of the dead-letter stream once the writes settled (the server trims it at ~DEAD_MAXLEN). */
  deadLetters: number | null;
  /** Dead letters expected in the stream: every poison entry, up to the trim bound (approximate trim keeps at least that many). */
  deadLettersExpected: number;
  /** First write → the last poison entry's dead letter is in the stream, s (null when not within the bound). */
  deadLettersWrittenSeconds: number | null;
}

export interface IngestResult {
  batch: number;
  entries: number;
  orders: number;
  producerSeconds: number;
  producerEntriesPerS: number;
  producerOrdersPerS: number;
  /** Whether the server judged every written entry (applied its orders or rejected it) within the bound. */
  drained: boolean;
  /** First write → server has judged all (or the bound), s. */
  applySeconds: number;
  /** Valid orders applied per second over applySeconds. */
  serverOrdersPerS: number;
  /** Entries per second over applySeconds: valid orders / batch for the batched form, valid + poison for the single form. */
  serverEntriesPerS: number;
  /** Orders (and poison entries) written but not yet judged when the producer finished. */
  backlogAtProducerEnd: number | null;
  /** Producer finished → server applied all, ms. */
  drainAfterProducerMs: number | null;
  serverCpuPercent: number | null;
  /** Server CPU seconds over the same window (first write → all judged). */
  serverCpuSeconds: number | null;
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
  /** null when /healthz had no checkpoint figures (a build before checkpoints). */
  checkpoint: CheckpointFigures | null;
  /** Only for runs with poison entries. */
  poison: PoisonFigures | null;
  /** orders and gmv equal the ledger of valid orders exactly, rejected = poison entries written (0 for a clean run), no duplicates. */
  exact: boolean;
}

const POLL_MS = 50;
/** The server's default WARROOM_CHECKPOINT_MS (server/config.ts). */
const DEFAULT_CHECKPOINT_MS = 1000;

const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
};

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  const redis = await startRedis();
  track(redis.proc);
  const cleanups: (() => Promise<void>)[] = [() => redis.stop()];
  try {
    const prefix = `b${o.batch}:`;
    const server = await startServer(redis.url, prefix, o.serverEnv);
    cleanups.unshift(() => server.stop());
    const args: ProducerArgs = {
      redisUrl: redis.url,
      key: `${prefix}orders`,
      mode: o.ratePerS ? 'paced' : 'flat',
      batch: o.batch,
      seconds: o.seconds,
      maxOrders: o.maxOrders,
      rate: o.ratePerS ?? 0,
      seed: o.seed,
      idPrefix: `a${o.batch}-`,
      poisonEvery: o.poisonEvery,
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
    // "judged" = orders applied + entries rejected: every written entry ends up in one of the two.
    let last = { orders: 0, judged: 0, atMs: Date.now() };
    const history: (typeof last)[] = [];
    let polling = true;
    const maxPolls = Math.ceil((o.seconds * 1000 + o.drainTimeoutMs + 40_000) / POLL_MS);
    const poller = (async () => {
      for (let i = 0; polling && i < maxPolls; i++) {
        try {
          const s = await fetchState(server.url);
          last = { orders: s.orders, judged: s.orders + s.rejected, atMs: Date.now() };
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
    const written = p.orders + p.poison;
    const before = history.filter((h) => h.atMs <= p.lastAckMs).pop();
    const backlog = before ? written - before.judged : null;

    // Bounded wait for the server to have judged all that was acknowledged.
    const until = producerEndMs + o.drainTimeoutMs;
    while (last.judged < written && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const drained = last.judged >= written;
    const appliedAt = drained ? last.atMs : Date.now();
    const serverCpuPercent = serverCpu.percent();
    const serverCpuSeconds = serverCpu.seconds();
    const redisCpuPercent = redisCpu.percent();
    const otherPercent = otherCpuPercent(machineCpu, [serverCpu.seconds(), redisCpu.seconds(), selfCpu.seconds(), p.cpuMs / 1000]);
    polling = false;
    await poller;

    // Poison: the dead letters are written after the rejection is counted (one XADD each, batched
    // in a MULTI per read, in order); wait, bounded, until the last poison entry's letter is there.
    let poison: PoisonFigures | null = null;
    if (p.poison > 0 || (o.poisonEvery ?? 0) > 0) {
      const deadLettersExpected = Math.min(p.poison, DEAD_MAXLEN);
      const client = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
      client.on('error', () => undefined);
      let deadLetters: number | null = null;
      let deadLettersWrittenSeconds: number | null = null;
      try {
        await client.connect();
        const deadUntil = Date.now() + 10_000;
        for (let i = 0; i < 1000 && p.lastPoisonId !== null; i++) {
          const [newest] = await client.xrevrange(`${prefix}dead`, '+', '-', 'COUNT', 1);
          const f = newest?.[1] ?? [];
          // The letter's own fields come first (stream, entry, reason, code...), then the original entry's.
          if (f.some((v, k) => k % 2 === 0 && v === 'id' && f[k + 1] === p.lastPoisonId)) {
            deadLettersWrittenSeconds = (Date.now() - p.firstWriteMs) / 1000;
            break;
          }
          if (Date.now() > deadUntil) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        deadLetters = await client.xlen(`${prefix}dead`);
      } catch {
        // reported as n/a
      } finally {
        client.disconnect();
      }
      poison = {
        entries: p.poison,
        expectedByCode: p.poisonByCode,
        serverByCode: {},
        deadLetters,
        deadLettersExpected,
        deadLettersWrittenSeconds,
      };
    }

    const final = await fetchState(server.url);
    const health = await fetchHealth(server.url).catch(() => null);
    if (poison) poison.serverByCode = { ...(final.totals.rejectedByReason ?? {}) };
    const ck = health?.checkpoint;
    const checkpoint: CheckpointFigures | null = ck
      ? {
          intervalMs: Number(o.serverEnv?.WARROOM_CHECKPOINT_MS ?? DEFAULT_CHECKPOINT_MS),
          saves: ck.saves,
          failures: ck.failures,
          maxSaveDurationMs: ck.maxSaveDurationMs,
          lastSaveDurationMs: ck.lastSaveDurationMs,
          lastSaveBytes: ck.lastSaveBytes,
        }
      : null;
    const serverPeakRssMiB = peakRssMiB(server.pid);
    const expectedGmv = formatMinor(BigInt(p.sumMinor), 2);
    const applySeconds = (appliedAt - p.firstWriteMs) / 1000;
    const producerSeconds = Math.max(0.001, (p.lastAckMs - p.firstWriteMs) / 1000);
    const applied = drained ? p.orders : last.orders;
    const judged = drained ? written : last.judged;
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
      serverEntriesPerS: (o.batch === 0 ? judged : applied / o.batch) / applySeconds,
      backlogAtProducerEnd: backlog,
      drainAfterProducerMs: drained ? Math.max(0, appliedAt - producerEndMs) : null,
      serverCpuPercent,
      serverCpuSeconds,
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
      checkpoint,
      poison,
      exact:
        final.orders === p.orders &&
        final.gmv === expectedGmv &&
        final.rejected === p.poison &&
        (final.totals.duplicates ?? 0) === 0 &&
        p.errors === 0 &&
        (poison === null || sameCounts(poison.serverByCode, poison.expectedByCode)),
    };
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}
