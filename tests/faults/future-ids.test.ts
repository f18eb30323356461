import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { apiState, health } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { waitFor } from '../support/warroom';
import { reconcile } from '../../server/reconcile';
import { streamKeys } from '../../server/redis';
import { defaultDecodeOptions } from '../../server/ingest/decode';

const rig = useFaultRig();

describe('a producer whose clock runs an hour fast writes its own entry IDs', () => {
  it('dead-letters its IDs, counts the * entries Redis then stamps ahead at server time, never counts a retry twice, and raises id_in_future', async () => {
    const c = new Redis(rig.redis.url);
    const k = 'wr:orders';
    await c.xadd(k, '*', 'id', 'r1', 'amount', '5.00');
    // The fast producer: IDs from its own clock, an hour ahead.
    const ahead = Date.now() + 3600_000;
    await c.xadd(k, `${ahead}-0`, 'id', 'skew1', 'amount', '7.00');
    // Honest producers go on with `*`: Redis stamps these `<ahead>-1`, `<ahead>-2`, ... (IDs only increase).
    await c.xadd(k, '*', 'id', 'h1', 'amount', '1.00');
    await c.xadd(k, '*', 'id', 'r1', 'amount', '5.00'); // a retry of r1, written an hour "later" by entry time
    await c.xadd(k, '*', 'id', 'h2', 'amount', '2.00');
    await c.xadd(k, '*', 'id', 'h3', 'amount', '3.00', 'ts', String(ahead)); // its ts is judged against the server clock
    const stamped = await c.xrange(k, '-', '+');
    expect(stamped.slice(2).every(([id]) => id.startsWith(`${ahead}-`))).toBe(true);

    const s = await waitFor(
      async () => {
        const st = await apiState(rig.server.url);
        return st && st.orders === 3 && st.rejected === 2 ? st : undefined;
      },
      15_000,
      'r1, h1, h2 counted and two rejections',
    );
    expect(s.totals.gmvMinor).toBe('800');
    expect(s.totals.duplicates).toBe(1);
    expect(s.totals.rejectedByReason).toEqual({ id_in_future: 1, ts_out_of_range: 1 });
    // No bucket an hour ahead: the series ends near the server's now.
    expect(s.series.startMs + s.series.orders.length * 1000).toBeLessThan(Date.now() + 6 * 60_000);
    const alarm = s.alarms.find((a) => a.kind === 'id_in_future');
    expect(alarm).toMatchObject({ stream: k, ackedAtMs: null });
    expect(alarm!.detail).toContain(`${ahead}-0`);
    const h = await health(rig.server.url);
    expect(h?.status).toBe(503);

    const dead = await waitFor(
      async () => {
        const d = await c.xrange('wr:dead', '-', '+');
        return d.length === 2 ? d : undefined;
      },
      10_000,
      'two dead letters',
    );
    const future = dead.map(([, f]) => f).find((f) => f[f.indexOf('code') + 1] === 'id_in_future')!;
    expect(future[future.indexOf('entry') + 1]).toBe(`${ahead}-0`);
    expect(future).toContain('skew1');
    // Recomputing from the streams judges the same entries the same way.
    const rec = await reconcile(c, streamKeys('wr:'), (await apiState(rig.server.url))!, defaultDecodeOptions, 15 * 60_000);
    expect(rec.differences).toEqual([]);
    c.disconnect();
  }, 60_000);
});
