import { describe, expect, it } from 'vitest';
import { apiState } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { waitFor } from '../support/warroom';

const rig = useFaultRig();

/** FIELD-NOTES' poison list, each with the reason code it must be dead-lettered with. */
const now = Date.now();
const ORDERS: [Record<string, string>, string][] = [
  [{ id: 'p1', amount: 'NaN' }, 'bad_amount'],
  [{ id: 'p2', amount: '1e309' }, 'bad_amount'],
  [{ id: 'p3', amount: '-5' }, 'bad_amount'],
  [{ id: 'p4', amount: '0x10' }, 'bad_amount'],
  [{ id: 'p5', amount: '' }, 'bad_amount'],
  [{ id: 'p6', amount: '12.345' }, 'too_many_decimals'],
  [{ id: 'p7', amount: '7'.repeat(1 << 20) }, 'bad_amount'],
  [{ id: 'x'.repeat(1 << 20), amount: '1.00' }, 'bad_id'],
  [{ amount: '1.00' }, 'missing_id'],
  [{ id: 'p10' }, 'missing_amount'],
  [{ id: 'p11', amount: '1.00', ts: String(now + 3 * 365 * 86_400_000) }, 'ts_out_of_range'],
  [{ id: 'p12', amount: '1.00', ts: String(now - 5 * 365 * 86_400_000) }, 'ts_out_of_range'],
  [{ id: 'p13', amount: '1.00', region: '<script>' }, 'bad_region'],
  [{ batch: '[{"id":"b1","amount":"1.00"' }, 'bad_batch'],
  [{ batch: JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ({ id: `big${i}`, amount: '1.00' }))) }, 'batch_too_large'],
  // Found by integrating from docs/ingest.md alone: each was accepted before.
  [{ batch: JSON.stringify([{ id: 'b9', amount: '1.00' }]), id: 'p14', amount: '2.00' }, 'ambiguous_entry'],
  [{ id: ' p15', amount: '1.00' }, 'bad_id'],
  [{ id: 'p16 ', amount: '1.00' }, 'bad_id'],
  [{ id: 'ok0', amount: '999.00' }, 'conflicting_retry'], // ok0 was counted with 0.00 just before: the first amount stays
];

describe('poison input', () => {
  it('applies none of the poison corpus, dead-letters each with its reason, counts them, and keeps the valid entries exact', async () => {
    const k = 'wr:';
    const r = rig.redis.url;
    const { Redis } = await import('ioredis');
    const c = new Redis(r);
    let validMinor = 0n;
    let valid = 0;
    const expected: Record<string, number> = {};
    for (const [i, [fields, code]] of ORDERS.entries()) {
      await c.xadd(`${k}orders`, '*', ...Object.entries(fields).flat());
      expected[code] = (expected[code] ?? 0) + 1;
      await c.xadd(`${k}orders`, '*', 'id', `ok${i}`, 'amount', `${i}.0${i % 10}`);
      validMinor += BigInt(i * 100 + (i % 10));
      valid++;
    }
    // A batch with one bad item among good ones: the good ones count.
    await c.xadd(
      `${k}orders`,
      '*',
      'batch',
      JSON.stringify([
        { id: 'g1', amount: '2.00' },
        { id: 'g2', amount: '1e3' },
        { id: 'g3', amount: '3.00' },
      ]),
    );
    validMinor += 500n;
    valid += 2;
    expected.bad_amount = (expected.bad_amount ?? 0) + 1;
    await c.xadd(`${k}weather`, '*', 'id', 'w1', 'region', 'CN-GD', 'severity', 'apocalyptic', 'kind', 'storm');
    expected.bad_severity = 1;
    await c.xadd(`${k}logistics`, '*', 'id', 'l1', 'stage', 'teleported');
    expected.bad_stage = 1;
    const rejectedTotal = Object.values(expected).reduce((a, b) => a + b, 0);

    const s = await waitFor(
      async () => {
        const st = await apiState(rig.server.url);
        return st && st.orders === valid && st.rejected === rejectedTotal ? st : undefined;
      },
      15_000,
      'every entry judged',
    );
    expect(s.totals.gmvMinor).toBe(validMinor.toString());
    expect(s.totals.rejectedByReason).toEqual(expected);
    const dead = await waitFor(
      async () => {
        const d = await c.xrange(`${k}dead`, '-', '+');
        return d.length === rejectedTotal ? d : undefined;
      },
      10_000,
      'all dead letters',
    );
    const codes: Record<string, number> = {};
    for (const [, f] of dead) {
      const code = f[f.indexOf('code') + 1]!;
      codes[code] = (codes[code] ?? 0) + 1;
      expect(f[f.indexOf('reason') + 1]).toMatch(new RegExp(`^${code}: .+`));
    }
    expect(codes).toEqual(expected);
    // A dead letter copies at most the first 1,024 characters of each field (the 1 MB amount, the 300 kB batch).
    for (const [, f] of dead) for (const v of f) expect(v.length).toBeLessThanOrEqual(2048);
    const p7 = dead.find(([, f]) => f.includes('p7'))![1];
    expect(JSON.parse(p7[p7.indexOf('truncated') + 1]!)).toEqual([{ field: 'amount', bytes: 1 << 20 }]);
    expect(rig.server.proc.exitCode).toBeNull();
    c.disconnect();
  }, 60_000);
});
