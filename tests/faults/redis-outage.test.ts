import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { Feed } from '../support/feed';
import { apiState, drained, health, serverEnv, sleep } from '../support/fault-env';
import { waitFor } from '../support/warroom';

let redis: RedisProcess | undefined;
let server: ServerProcess | undefined;
let feed: Feed | undefined;
afterEach(async () => {
  await feed?.stop();
  await server?.stop();
  await redis?.stop();
  feed = server = redis = undefined;
});

const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

type Outage = { name: string; downMs: number; kind: 'stop' | 'pause' };

/** Runs a feed, takes Redis away for a while, brings it back, and checks what must hold after. */
async function outage(o: Outage): Promise<void> {
  redis = await startRedis({ persistent: true });
  const port = await freePort();
  server = await spawnServer(serverEnv(redis.url, new Date(Date.now() - 60_000).toISOString()), port);
  feed = new Feed({ redisUrl: redis.url, ratePerSec: 10_000, seed: o.downMs });
  feed.start();
  await sleep(2000);
  const rssBefore = rssKiB(server.proc.pid!);

  const down = Date.now();
  if (o.kind === 'stop') await redis.terminate();
  else redis.proc.kill('SIGSTOP');
  const seen = await waitFor(
    async () => {
      const h = await health(server!.url);
      const s = await apiState(server!.url);
      return h?.status === 503 && s?.source.staleSinceMs != null ? s : undefined;
    },
    10_000,
    'health and state to show the outage',
  );
  const noticedMs = Date.now() - down;
  await sleep(Math.max(0, o.downMs - (Date.now() - down)));
  const rssDuring = rssKiB(server.proc.pid!);
  expect(server.proc.exitCode).toBeNull(); // still up

  const back = Date.now();
  if (o.kind === 'stop') redis = await startRedis({ port: redis.port, dir: redis.dir, persistent: true });
  else redis.proc.kill('SIGCONT');
  await waitFor(async () => ((await health(server!.url))?.status === 200 ? true : undefined), 15_000, 'health to recover');
  const recoveredMs = Date.now() - back;

  await sleep(2000);
  await feed.stop();
  const l = feed.ledger;
  const retried = feed.retries;
  feed = undefined;
  const final = await drained(server.url, l.orders, 60_000);
  await sleep(300);
  const settled = (await apiState(server.url))!;
  process.stdout.write(
    `outage ${o.name}: noticed in ${noticedMs} ms (stale since ${new Date(seen.source.staleSinceMs!).toISOString()}), ` +
      `recovered ${recoveredMs} ms after Redis returned, ${l.orders} orders, ${retried} producer retries, RSS ${rssBefore} → ${rssDuring} KiB\n`,
  );
  expect(noticedMs).toBeLessThan(5000);
  expect(recoveredMs).toBeLessThan(10_000);
  expect(final.orders).toBe(l.orders);
  expect(settled.totals.gmvMinor).toBe(l.gmvMinor.toString());
  // Writes whose reply was lost in the outage were sent again: those count as duplicates too.
  expect(settled.totals.duplicates).toBeGreaterThanOrEqual(l.duplicatesWritten);
  expect(settled.alarms).toEqual([]);
  expect(rssDuring - rssBefore).toBeLessThan(100 * 1024);
  expect(server.log()).not.toMatch(/unhandled rejection/i);
}

describe('Redis outages mid-feed', () => {
  it('Redis stopped for 5 s', () => outage({ name: 'stop 5 s', downMs: 5000, kind: 'stop' }), 120_000);
  it(
    'Redis paused (SIGSTOP) for 30 s: a half-open connection',
    () => outage({ name: 'SIGSTOP 30 s', downMs: 30_000, kind: 'pause' }),
    150_000,
  );
  it('Redis stopped for 60 s', () => outage({ name: 'stop 60 s', downMs: 60_000, kind: 'stop' }), 180_000);
});
