import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../scripts/redis-process';
import { startWarroom, type Warroom } from '../../server/app';
import { loadConfig } from '../../server/config';
import { silentLogger } from '../../server/log';
import { testEvent, VIEWER_TOKEN, waitFor } from '../support/warroom';

let redis: RedisProcess | undefined;
let app: Warroom | undefined;
afterEach(async () => {
  await app?.close();
  await redis?.stop();
  app = redis = undefined;
});

describe('Redis outage', () => {
  it('stays up, reports the outage within 5 s, resumes by itself, and raises an alarm when Redis came back empty', async () => {
    redis = await startRedis();
    const port = redis.port;
    const config = loadConfig(
      {
        PORT: '0',
        REDIS_URL: redis.url,
        WARROOM_VIEWER_TOKEN: VIEWER_TOKEN,
        WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%',
        WARROOM_READ_BLOCK_MS: '200',
      },
      () => randomBytes(24).toString('hex'),
    );
    app = await startWarroom(config, testEvent(), silentLogger);
    const producer = new Redis(redis.url, { maxRetriesPerRequest: null });
    producer.on('error', () => undefined);
    await producer.xadd('wr:orders', '*', 'id', 'a', 'amount', '1.00');
    await waitFor(() => (app!.aggregator.orders === 1 ? true : undefined));

    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      redis.proc.kill('SIGKILL');
      const down = Date.now();
      await waitFor(() => (app!.ingest.status.redis === 'down' ? true : undefined), 5000, 'ingest to notice the outage');
      expect(Date.now() - down).toBeLessThan(5000);
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(503);
      expect(app.state().source.staleSinceMs).not.toBeNull();
      await new Promise((r) => setTimeout(r, 1500)); // the server keeps ticking through the outage

      const epochBefore = app.state().epoch;
      // Redis comes back empty on the same port (no persistence): the producer writes again.
      redis = await startRedis(port);
      const back = Date.now();
      await waitFor(() => (app!.ingest.status.redis === 'up' ? true : undefined), 10_000, 'ingest to resume');
      expect(Date.now() - back).toBeLessThan(10_000);
      await producer.xadd('wr:orders', '*', 'id', 'b', 'amount', '2.00');
      // The server keeps what it counted, reads on, and raises the lost history instead of hiding it.
      await waitFor(() => (app!.aggregator.orders === 2 ? true : undefined), 5000, 'the order written after the restart');
      // Redis as a whole (its marker is gone) and the orders stream in particular.
      const st = await waitFor(() => (app!.state().alarms.length >= 2 ? app!.state() : undefined), 5000, 'the alarms');
      expect(st.gmv).toBe('3.00');
      expect(st.alarms.map((a) => a.kind).sort()).toEqual(['history_lost', 'redis_emptied']);
      expect(st.alarms.find((a) => a.kind === 'history_lost')).toMatchObject({ stream: 'wr:orders' });
      expect(st.epoch).not.toBe(epochBefore);
      const after = await fetch(`${app.url}/healthz`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } });
      expect(after.status).toBe(503);
      expect(((await after.json()) as { alarms: unknown[] }).alarms).toHaveLength(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      producer.disconnect();
    }
  });
});
