import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../scripts/redis-process';
import { startWarroom, type Warroom } from '../../server/app';
import { loadConfig } from '../../server/config';
import { silentLogger } from '../../server/log';
import { startTestWarroom, testEvent, waitFor, type TestWarroom } from '../support/warroom';

/**
 * Redis emptied under a running warroom while producers keep writing (they re-create the streams
 * before the next history check): FLUSHALL, and a redis-server restarted without persistence.
 * Needs its own redis-server (FLUSHALL, stop and start).
 */
let redis: RedisProcess | undefined;
let app: Warroom | undefined;
let producer: Redis | undefined;
afterEach(async () => {
  producer?.disconnect();
  await app?.close();
  await redis?.stop();
  app = redis = producer = undefined;
});

const start = (url: string): Promise<Warroom> =>
  startWarroom(
    loadConfig(
      {
        PORT: '0',
        REDIS_URL: url,
        WARROOM_VIEWER_TOKEN: 'viewer-token-for-tests-0123456789',
        WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%',
        WARROOM_READ_BLOCK_MS: '200',
        WARROOM_HISTORY_CHECK_MS: '1000',
        WARROOM_CHECKPOINT_MS: '200',
      },
      () => randomBytes(24).toString('hex'),
    ),
    testEvent(),
    silentLogger,
  );

const order = (id: string, amount: string): Promise<unknown> => producer!.xadd('wr:orders', '*', 'id', id, 'amount', amount);
const orders = (n: number) => () => (app!.aggregator.orders === n ? true : undefined);
/** Waits for a checkpoint saved after now. */
async function nextSave(): Promise<void> {
  const n = app!.checkpointer.saves;
  await waitFor(() => (app!.checkpointer.saves > n + 1 ? true : undefined), 10_000, 'a checkpoint');
}

describe('Redis emptied while producers keep writing', () => {
  it.each(['FLUSHALL', 'redis-server restarted without persistence'])(
    '%s: redis_emptied alarm and a new epoch; after a restart a retried id of an order counted before still counts once',
    async (how) => {
      redis = await startRedis();
      app = await start(redis.url);
      producer = new Redis(redis.url, { maxRetriesPerRequest: null });
      producer.on('error', () => undefined);
      await order('x1', '1.00');
      await order('x2', '2.00');
      await waitFor(orders(2), 10_000, 'the first orders');
      await nextSave();
      const epoch = app.state().epoch;

      if (how === 'FLUSHALL') {
        await producer.flushall();
      } else {
        await redis.terminate();
        redis = await startRedis(redis.port);
      }
      const t0 = Date.now();
      await order('y1', '5.00'); // the producer re-creates the stream at once
      const alarm = await waitFor(() => app!.state().alarms.find((a) => a.kind === 'redis_emptied'), 10_000, 'the redis_emptied alarm');
      process.stdout.write(`redis_emptied (${how}): detected ${Date.now() - t0} ms after the stream was re-created\n`);
      expect(alarm.ackedAtMs).toBeNull();
      expect(app.state().epoch).not.toBe(epoch);
      await waitFor(orders(3), 10_000, 'the order written after the flush');
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      expect(await producer.get('wr:marker')).not.toBeNull(); // re-created for the next time
      await nextSave(); // a full one: the id hashes counted before the flush are back in Redis

      await app.close();
      app = await start(redis.url);
      expect(app.aggregator.orders).toBe(3);
      await order('x1', '1.00'); // a producer retrying an XADD whose reply it lost before the flush
      await order('z1', '9.00');
      await waitFor(orders(4), 10_000, 'the order after the restart');
      const st = app.state();
      expect(st.gmv).toBe('17.00');
      expect(st.totals.duplicates).toBe(1);
    },
  );
});

describe('the marker', () => {
  let w: TestWarroom | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('raises redis_emptied when the marker is deleted or replaced, once each, and re-creates it', async () => {
    w = await startTestWarroom({ WARROOM_HISTORY_CHECK_MS: '300' });
    const key = `${w.prefix}marker`;
    const first = await waitFor(() => w!.redis.get(key).then((v) => v ?? undefined), 5000, 'the marker');
    await w.redis.del(key);
    await waitFor(() => (w!.app.state().alarms.length === 1 ? true : undefined), 5000, 'the first alarm');
    const second = await w.redis.get(key);
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    await w.redis.set(key, 'another-redis-or-warroom');
    await waitFor(() => (w!.app.state().alarms.length === 2 ? true : undefined), 5000, 'the second alarm');
    await new Promise((r) => setTimeout(r, 1000));
    const alarms = w.app.state().alarms;
    expect(alarms.map((a) => a.kind)).toEqual(['redis_emptied', 'redis_emptied']);
    expect(alarms[1]!.detail).toContain('holds another');
  });

  it('raises it at start when the checkpoint was saved under a marker Redis no longer has (a flush, then a crash before the next check)', async () => {
    const first = await startTestWarroom();
    const prefix = first.prefix;
    await waitFor(() => first.redis.get(`${prefix}marker`).then((v) => v ?? undefined), 5000, 'the marker');
    await first.close(); // its last checkpoint names the marker
    const r = first.redis.duplicate();
    await r.del(`${prefix}marker`);
    r.disconnect();
    w = await startTestWarroom({}, undefined, prefix);
    expect(w.app.state().alarms.map((a) => a.kind)).toEqual(['redis_emptied']);
  });
});
