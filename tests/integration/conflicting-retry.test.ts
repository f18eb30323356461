import { afterEach, describe, expect, it } from 'vitest';
import { startTestWarroom, waitFor, type TestWarroom } from '../support/warroom';

let w: TestWarroom | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Closes the server (a last checkpoint) and starts another on the same keys. */
async function restart(prefix: string, between?: () => Promise<void>): Promise<TestWarroom> {
  await w!.app.close();
  await between?.();
  w!.redis.disconnect();
  return startTestWarroom({ WARROOM_KEY_PREFIX: prefix });
}

describe('a retried order id with another amount', () => {
  it('counts the first amount once and dead-letters the retry as conflicting_retry, also after a restart', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.50');
    await waitFor(() => (w!.app.aggregator.orders === 1 ? true : undefined));
    w = await restart(k);
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '9.99'); // the first amount is in the checkpoint only
    await w.redis.xadd(`${k}orders`, '*', 'id', 'a', 'amount', '1.50'); // a plain retry
    await w.redis.xadd(
      `${k}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'c', amount: '2.00' },
        { id: 'c', amount: '2.01' },
      ]),
    );
    const st = await waitFor(
      () => {
        const s = w!.app.state();
        return s.orders === 2 && s.rejected === 2 ? s : undefined;
      },
      5000,
      'c counted and two conflicts',
    );
    expect(st).toMatchObject({ gmv: '3.50', totals: { duplicates: 1, rejectedByReason: { conflicting_retry: 2 } } });
    const dead = await waitFor(async () => {
      const d = await w!.redis.xrange(`${k}dead`, '-', '+');
      return d.length === 2 ? d.map(([, f]) => f) : undefined;
    });
    expect(dead[0]).toEqual(expect.arrayContaining(['code', 'conflicting_retry', 'id', 'a', 'amount', '9.99']));
    expect(dead[1]).toEqual(
      expect.arrayContaining(['code', 'conflicting_retry', 'index', '1', 'item', JSON.stringify({ id: 'c', amount: '2.01' })]),
    );
  });

  it('loads a checkpoint written before amounts were kept: its ids are plain retries, later ones are judged', async () => {
    w = await startTestWarroom();
    const k = w.prefix;
    await w.redis.xadd(`${k}orders`, '*', 'id', 'old', 'amount', '1.00');
    await waitFor(() => (w!.app.aggregator.orders === 1 ? true : undefined));
    // What an older version saved: the id hashes without their tags list.
    w = await restart(k, async () => {
      const tags = await w!.redis.keys(`${k}ckpt:tags:*`);
      expect(tags.length).toBeGreaterThan(0);
      await w!.redis.del(...tags);
    });
    await w.redis.xadd(`${k}orders`, '*', 'id', 'old', 'amount', '5.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'new', 'amount', '2.00');
    await w.redis.xadd(`${k}orders`, '*', 'id', 'new', 'amount', '3.00');
    const st = await waitFor(
      () => {
        const s = w!.app.state();
        return s.orders === 2 && s.rejected === 1 ? s : undefined;
      },
      5000,
      'new counted, its retry in conflict',
    );
    expect(st).toMatchObject({ gmv: '3.00', totals: { duplicates: 1, rejectedByReason: { conflicting_retry: 1 } } });
  });
});
