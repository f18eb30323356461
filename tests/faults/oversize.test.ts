import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { apiState, health } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { waitFor } from '../support/warroom';

const rig = useFaultRig();
const BIG = 64 << 20;

/** Bytes of a dead letter (all its field names and values). */
const letterBytes = (f: string[]): number => f.reduce((n, x) => n + Buffer.byteLength(x), 0);

describe('an entry with a 64 MB field', () => {
  it('is dead-lettered by ID with its first 1 kB per field, named in an alarm, and ingest goes on; also when reading it fails outright', async () => {
    const c = new Redis(rig.redis.url);
    const k = 'wr:orders';
    const note = 'x'.repeat(BIG);
    await c.xadd(k, '*', 'id', 'a1', 'amount', '1.00');
    const big1 = (await c.xadd(k, '*', 'id', 'big1', 'amount', '1.00', 'note', note))!;
    await c.xadd(k, '*', 'id', 'a2', 'amount', '2.00');

    const s1 = await waitFor(
      async () => {
        const st = await apiState(rig.server.url);
        return st && st.orders === 2 && st.rejected === 1 ? st : undefined;
      },
      60_000,
      'a1 and a2 counted, big1 rejected',
    );
    expect(s1.totals.gmvMinor).toBe('300');
    expect(s1.totals.rejectedByReason).toEqual({ entry_too_large: 1 });
    const alarm = s1.alarms.find((a) => a.kind === 'entry_too_large');
    expect(alarm).toMatchObject({ stream: k, ackedAtMs: null });
    expect(alarm!.detail).toContain(big1);

    // Now make the plain read fail, as a 512 MB field does (past what ioredis and a V8 string can
    // take): Redis closes a connection whose reply outgrows 16 MB. The same read would fail forever.
    await c.config('SET', 'client-output-buffer-limit', 'normal 16mb 16mb 0');
    const big2 = (await c.xadd(k, '*', 'id', 'big2', 'amount', '1.00', 'note', note))!;
    await c.xadd(k, '*', 'id', 'a3', 'amount', '3.00');
    const s2 = await waitFor(
      async () => {
        const st = await apiState(rig.server.url);
        return st && st.orders === 3 && st.rejected === 2 ? st : undefined;
      },
      60_000,
      'a3 counted past big2',
    );
    expect(s2.totals.gmvMinor).toBe('600');
    expect(s2.totals.rejectedByReason).toEqual({ entry_too_large: 2 });
    const h = await waitFor(
      async () => {
        const r = await health(rig.server.url);
        return r?.body.redis === 'up' ? r : undefined;
      },
      15_000,
      'health: Redis up',
    );
    expect(h.status).toBe(503); // the alarm holds until acknowledged

    const dead = await waitFor(
      async () => {
        const d = await c.xrange('wr:dead', '-', '+');
        return d.length === 2 ? d : undefined;
      },
      10_000,
      'two dead letters',
    );
    for (const [, f] of dead) {
      expect(f[f.indexOf('code') + 1]).toBe('entry_too_large');
      expect(letterBytes(f)).toBeLessThan(4096);
      expect(f[f.indexOf('note') + 1]).toBe('x'.repeat(1024));
      expect(JSON.parse(f[f.indexOf('truncated') + 1]!)).toEqual([{ field: 'note', bytes: BIG }]);
      expect(f.slice(f.indexOf('id'), f.indexOf('id') + 4)).toEqual(['id', f[f.indexOf('id') + 1], 'amount', '1.00']);
    }
    expect(dead.map(([, f]) => f[f.indexOf('entry') + 1])).toEqual([big1, big2]);
    expect(rig.server.proc.exitCode).toBeNull();
    expect(rig.server.log()).toContain(`entry ${big1} stepped over`);
    expect(rig.server.log()).toMatch(new RegExp(`entry ${big2} stepped over \\(found by a careful read after a failed read\\)`));
    c.disconnect();
  }, 180_000);
});
