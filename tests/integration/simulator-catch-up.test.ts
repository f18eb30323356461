/**
 * The simulator is a producer like any other: its orders carry `ts`, and a span it could not write
 * (Redis away, its writes queued) is written second by second with each second's own `ts`, not as
 * one burst stamped at recovery. Against the test run's redis-server, with an injected clock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { Simulator } from '../../server/simulate/simulator';
import { waitFor } from '../support/warroom';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.disconnect());

describe('simulator after a span it could not write', () => {
  it('stamps every order with ts and spreads the missed seconds by their own time', async () => {
    const prefix = `sim${randomBytes(3).toString('hex')}:`;
    const start = Date.now() - 20_000;
    let clock = start;
    const sim = new Simulator(redis, {
      t0Ms: start - 60_000,
      speed: 1,
      scale: 0.2,
      seed: 3,
      keyPrefix: prefix,
      batchAbovePerSec: 2000,
      batchSize: 500,
      stepMs: 20,
      runId: 'catchup',
    });
    sim.start(() => clock);
    await new Promise((r) => setTimeout(r, 100));
    clock = start + 5000; // the next beat finds five seconds unwritten
    await waitFor(
      async () => ((await redis.xlen(`${prefix}orders`)) > 0 && sim.stats.orders > 0 ? true : undefined),
      10_000,
      'orders written',
    );
    await new Promise((r) => setTimeout(r, 500));
    sim.stop();

    const entries = await redis.xrange(`${prefix}orders`, '-', '+');
    expect(entries.length).toBe(sim.stats.orders);
    const perSecond = new Map<number, number>();
    for (const [, f] of entries) {
      const i = f.indexOf('ts');
      expect(i, 'every order carries ts').toBeGreaterThanOrEqual(0);
      const ts = Number(f[i + 1]);
      expect(ts).toBeGreaterThanOrEqual(start);
      expect(ts).toBeLessThanOrEqual(start + 5000);
      const sec = Math.floor((ts - start) / 1000);
      perSecond.set(sec, (perSecond.get(sec) ?? 0) + 1);
    }
    // ~147 orders a second at this scale: five seconds of them, none holding the whole span.
    expect([...perSecond.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(Math.max(...perSecond.values())).toBeLessThan(0.35 * entries.length);
    await redis.del(`${prefix}orders`, `${prefix}logistics`, `${prefix}payments`, `${prefix}traffic`, `${prefix}weather`);
  }, 30_000);
});
