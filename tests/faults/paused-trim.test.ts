import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { apiState, health, serverEnv, sleep } from '../support/fault-env';
import { trimCases } from '../support/trims';
import { waitFor } from '../support/warroom';

/**
 * The production server, paused (SIGSTOP: a frozen VM, a debugger) while producers trim past its
 * cursor with every trimming command, one per stream. Nothing is read while it is paused; after
 * SIGCONT each trim must be raised on /healthz within a few history checks.
 */
let redis: RedisProcess | undefined;
let server: ServerProcess | undefined;
afterEach(async () => {
  server?.proc.kill('SIGCONT');
  await server?.stop();
  await redis?.stop();
  server = redis = undefined;
});

const STREAMS = ['wr:orders', 'wr:logistics', 'wr:weather', 'wr:payments', 'wr:traffic'];

type Health = { alarms: { kind: string; stream: string }[] };

/** Waits until the server has read every stream to its end. */
async function caughtUp(r: Redis, url: string): Promise<void> {
  const last = await Promise.all(STREAMS.map(async (k) => (await r.xrevrange(k, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0'));
  await waitFor(
    async () => {
      const s = await apiState(url);
      return s && STREAMS.every((k, i) => s.cursors[k] === last[i]) ? true : undefined;
    },
    15_000,
    'the server to read every stream',
  );
}

describe('trimmed while the server is paused', () => {
  it('every trimming command, one stream each, raised within seconds of SIGCONT', async () => {
    redis = await startRedis();
    server = await spawnServer(
      serverEnv(redis.url, new Date().toISOString(), { WARROOM_HISTORY_CHECK_MS: '1000', WARROOM_READ_BLOCK_MS: '200' }),
      await freePort(),
    );
    const r = new Redis(redis.url);
    const figures: string[] = [];
    try {
      // Two rounds: five streams, eight commands.
      for (const round of [trimCases.slice(0, 5), trimCases.slice(5)]) {
        for (const k of STREAMS)
          for (let i = 0; i < 3; i++) await r.xadd(k, '*', 'id', `${k}-${Date.now()}-${i}`, 'amount', '1.00', 'visitors', '1');
        await caughtUp(r, server.url);
        const before = ((await health(server.url))?.body as Health | undefined)?.alarms.length ?? 0;

        server.proc.kill('SIGSTOP');
        const lost = await Promise.all(round.map((t, i) => t.run(r, STREAMS[i]!)));
        await sleep(3000); // paused longer than a read's watchdog
        server.proc.kill('SIGCONT');
        const resumed = Date.now();

        const seen = new Map<string, number>();
        await waitFor(
          async () => {
            const alarms = ((await health(server!.url))?.body as Health | undefined)?.alarms.slice(before) ?? [];
            for (const a of alarms) if (a.kind === 'history_trimmed' && !seen.has(a.stream)) seen.set(a.stream, Date.now() - resumed);
            return seen.size === round.length ? true : undefined;
          },
          20_000,
          'an alarm per trimmed stream',
        );
        round.forEach((t, i) => figures.push(`${t.name} (${lost[i]} lost): ${seen.get(STREAMS[i]!)} ms after SIGCONT`));
        const kinds = ((await health(server.url))!.body as Health).alarms.map((a) => a.kind);
        expect(kinds.every((k) => k === 'history_trimmed')).toBe(true);
        // Each with the exact number of entries it lost.
        const st = (await apiState(server.url))!;
        round.forEach((_t, i) =>
          expect(st.alarms.find((a) => a.stream === STREAMS[i] && a.detail.startsWith(`${lost[i]} entries were trimmed`))).toBeDefined(),
        );
      }
      process.stdout.write(`trimmed while paused 3 s (WARROOM_HISTORY_CHECK_MS=1000):\n  ${figures.join('\n  ')}\n`);
      expect((await health(server.url))!.status).toBe(503);
    } finally {
      r.disconnect();
    }
  }, 90_000);
});
