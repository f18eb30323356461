/**
 * Phase (b): order → client freshness. One server process, n viewers in a child process, and a
 * producer paced at `rate` single-order entries/s for `seconds` once all viewers are connected.
 * Also measures the server's CPU for fan-out alone (viewers connected, no orders) first.
 */
import { startRedis } from '../scripts/redis-process';
import { formatMinor } from '../shared/money';
import type { ClientsReport } from './clients';
import { forkHelper } from './ipc';
import { CpuWindow, otherCpuPercent, peakRssMiB, track } from './proc';
import type { ProducerArgs, ProducerResult } from './producer';
import { fetchState, startServer, VIEWER_TOKEN } from './server';

export interface FreshnessOptions {
  clients: number;
  rate: number;
  seconds: number;
  idleSeconds: number;
  seed: number;
}

export interface FreshnessResult {
  clients: ClientsReport;
  connectSeconds: number;
  tickIntervalMs: number;
  producerOrders: number;
  producerOrdersPerS: number;
  producerLateSteps: number;
  /** Server CPU with the viewers connected and no orders (ticks only). */
  serverCpuIdlePercent: number | null;
  serverCpuPercent: number | null;
  redisCpuPercent: number | null;
  producerCpuPercent: number;
  /** CPU of processes outside the measurement (other jobs on the box) over the same window. */
  otherCpuPercent: number | null;
  serverPeakRssMiB: number | null;
  /** Server totals equal the producer's ledger after the run. */
  exact: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runFreshness(o: FreshnessOptions): Promise<FreshnessResult> {
  const redis = await startRedis();
  track(redis.proc);
  const cleanups: (() => Promise<void>)[] = [() => redis.stop()];
  try {
    const server = await startServer(redis.url, 'fresh:');
    cleanups.unshift(() => server.stop());
    const tickIntervalMs = (await fetchState(server.url)).tickIntervalMs;

    const t0 = Date.now();
    const clients = forkHelper('bench/clients.ts', [server.url, VIEWER_TOKEN, String(o.clients)]);
    cleanups.unshift(async () => void clients.child.kill('SIGTERM'));
    await clients.next('connected', 90_000);
    const connectSeconds = (Date.now() - t0) / 1000;

    const idle = CpuWindow.ofPid(server.pid);
    await sleep(o.idleSeconds * 1000);
    const serverCpuIdlePercent = idle.percent();

    const args: ProducerArgs = {
      redisUrl: redis.url,
      key: 'fresh:orders',
      mode: 'paced',
      batch: 0,
      seconds: o.seconds,
      maxOrders: Math.ceil(o.rate * o.seconds * 1.1),
      rate: o.rate,
      seed: o.seed,
      idPrefix: 'f-',
    };
    const producer = forkHelper('bench/producer.ts', [JSON.stringify(args)]);
    cleanups.unshift(async () => void producer.child.kill('SIGTERM'));
    await producer.next('ready', 20_000);

    clients.send({ type: 'start' });
    const serverCpu = CpuWindow.ofPid(server.pid);
    const redisCpu = CpuWindow.ofPid(redis.proc.pid);
    const clientsCpu = CpuWindow.ofPid(clients.child.pid);
    const machineCpu = CpuWindow.machine();
    const selfCpu = CpuWindow.self();
    producer.send({ type: 'go' });
    const { result: p } = await producer.next<{ result: ProducerResult }>('done', o.seconds * 1000 + 30_000);
    // One more tick interval and a little, so the last orders reach the viewers.
    await sleep(tickIntervalMs + 200);
    clients.send({ type: 'stop' });
    const serverCpuPercent = serverCpu.percent();
    const redisCpuPercent = redisCpu.percent();
    const otherPercent = otherCpuPercent(machineCpu, [
      serverCpu.seconds(),
      redisCpu.seconds(),
      clientsCpu.seconds(),
      selfCpu.seconds(),
      p.cpuMs / 1000,
    ]);
    const report = await clients.next<ClientsReport>('report', 20_000);

    // Exactness here too: bounded wait for the last orders, then compare with the ledger.
    let state = await fetchState(server.url);
    for (let i = 0; i < 100 && state.orders < p.orders; i++) {
      await sleep(100);
      state = await fetchState(server.url);
    }
    const serverPeakRssMiB = peakRssMiB(server.pid);
    const producerSeconds = Math.max(0.001, (p.lastAckMs - p.firstWriteMs) / 1000);
    return {
      clients: report,
      connectSeconds,
      tickIntervalMs,
      producerOrders: p.orders,
      producerOrdersPerS: p.orders / producerSeconds,
      producerLateSteps: p.lateSteps,
      serverCpuIdlePercent,
      serverCpuPercent,
      redisCpuPercent,
      producerCpuPercent: (p.cpuMs / 1000 / producerSeconds) * 100,
      otherCpuPercent: otherPercent,
      serverPeakRssMiB,
      exact:
        state.orders === p.orders &&
        state.gmv === formatMinor(BigInt(p.sumMinor), 2) &&
        state.rejected === 0 &&
        (state.totals.duplicates ?? 0) === 0 &&
        p.errors === 0,
    };
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}
