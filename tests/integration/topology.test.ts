/**
 * `<prefix>topology` against the test run's real Redis: the process that counts publishes the
 * one-shard topology when it starts counting (today's keys, which it really reads), replacing
 * whatever was there; a standby writes nothing until it takes over, and then publishes it again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { startTestWarroom, waitFor, type TestWarroom } from '../support/warroom';
import { topology, type Topology } from '../../shared/shard';

const started: TestWarroom[] = [];
afterEach(async () => {
  for (const w of started.splice(0).reverse()) await w.close();
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function start(env: Record<string, string> = {}, prefix?: string): Promise<TestWarroom> {
  const w = await startTestWarroom(env, undefined, prefix);
  started.push(w);
  return w;
}

async function published(redis: Redis, prefix: string): Promise<Topology | null> {
  const json = await redis.get(`${prefix}topology`);
  return json === null ? null : (JSON.parse(json) as Topology);
}

describe('the topology key', () => {
  it('holds the one-shard topology once the server has started, with the keys it reads', async () => {
    const w = await start();
    const p = w.prefix;
    const t = await published(w.redis, p);
    expect(t).toEqual({
      shards: 1,
      hash: 'crc32-ieee',
      streams: {
        orders: [`${p}orders`],
        logistics: [`${p}logistics`],
        weather: [`${p}weather`],
        payments: [`${p}payments`],
        traffic: [`${p}traffic`],
      },
    });
    // A producer that only follows the topology is counted.
    await w.redis.xadd(t!.streams.orders[0]!, '*', 'id', 'o-1', 'amount', '12.50');
    await w.redis.xadd(t!.streams.traffic[0]!, '*', 'visitors', '42');
    await w.redis.xadd(t!.streams.payments[0]!, '*', 'id', 'p-1', 'channel', 'alipay', 'ok', '1');
    const st = await waitFor(
      () => {
        const s = w.app.state();
        return s.orders === 1 && s.traffic?.visitors === 42 && s.payments.alipay ? s : undefined;
      },
      10_000,
      'the entries written by the topology counted',
    );
    expect(st.gmv).toBe('12.50');
  });

  it('replaces a stale value at start; a standby writes nothing until it takes over, then publishes it', async () => {
    const p = `tp${randomBytes(4).toString('hex')}:`;
    const redis = new Redis(inject('redisUrl'));
    try {
      await redis.set(`${p}topology`, '{"shards":7,"hash":"crc32-ieee","streams":{}}');
      const a = await start({ WARROOM_LEASE_MS: '1000' }, p);
      expect(await published(redis, p)).toEqual(topology(p, 1));

      await redis.del(`${p}topology`);
      const b = await start({ WARROOM_LEASE_MS: '1000' }, p);
      expect(b.app.lease.role).toBe('standby');
      await sleep(1500); // more than a lease lifetime of standing by
      expect(await redis.exists(`${p}topology`)).toBe(0);

      await a.close(); // releases the lease: b takes over and starts counting
      started.splice(started.indexOf(a), 1);
      const t = await waitFor(() => published(redis, p).then((v) => v ?? undefined), 10_000, 'the topology from the new owner');
      expect(t).toEqual(topology(p, 1));
      expect(b.app.lease.role).toBe('owner');
    } finally {
      redis.disconnect();
    }
  });
});
