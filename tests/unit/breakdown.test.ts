import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Breakdown, WarehouseTable, NONE_KEY, OTHER_KEY } from '../../server/aggregate/breakdown';
import { Aggregator } from '../../server/aggregate/aggregator';

const T0 = 1_762_790_400_000;

describe('Breakdown', () => {
  it('sums exactly per key, ranks by GMV and folds the tail into (other) so rows still sum to the total', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { nil: undefined }),
            fc.integer({ min: 0, max: 100_000_000_000_000 }),
          ),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (adds, maxKeys, limit) => {
          const b = new Breakdown(maxKeys);
          let total = 0n;
          for (const [k, v] of adds) {
            b.add(k, v);
            total += BigInt(v);
          }
          for (const rows of [b.rows(), b.rows(limit)]) {
            expect(rows.reduce((s, r) => s + BigInt(r.gmvMinor), 0n)).toBe(total);
            expect(rows.reduce((s, r) => s + r.orders, 0)).toBe(adds.length);
            const named = rows.filter((r) => r.key !== OTHER_KEY && r.key !== NONE_KEY);
            expect(named.length).toBeLessThanOrEqual(maxKeys);
            expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
          }
          const limited = b.rows(limit);
          expect(limited.filter((r) => r.key !== OTHER_KEY).length).toBeLessThanOrEqual(limit);
          const ranked = b.rows().map((r) => BigInt(r.gmvMinor));
          for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]! >= ranked[i]!).toBe(true);
        },
      ),
    );
  });
  it('survives a state round trip', () => {
    const b = new Breakdown(2);
    b.add('x', 5);
    b.add('y', 7);
    b.add('z', 11); // past the bound
    b.add(undefined, 1);
    const c = new Breakdown(2);
    c.restore(b.state());
    c.add('w', 2); // still past the bound after the restore
    expect(c.rows()).toEqual([
      { key: OTHER_KEY, gmvMinor: '13', orders: 2 },
      { key: 'y', gmvMinor: '7', orders: 1 },
      { key: 'x', gmvMinor: '5', orders: 1 },
      { key: NONE_KEY, gmvMinor: '1', orders: 1 },
    ]);
  });
  it('keeps sums beyond 2^53 exact', () => {
    const b = new Breakdown(4);
    for (let i = 0; i < 100; i++) b.add('big', 100_000_000_000_000);
    expect(b.rows()[0]).toEqual({ key: 'big', gmvMinor: '10000000000000000', orders: 100 });
  });
});

describe('WarehouseTable', () => {
  it('ranks warehouses by backlog (picked − dispatched) and folds the tail', () => {
    const w = new WarehouseTable(10);
    w.add('hz', 'picked', 100);
    w.add('hz', 'dispatched', 90);
    w.add('gz', 'picked', 50);
    w.add('bj', 'picked', 30);
    w.add(undefined, 'picked', 1);
    expect(w.rows().map((r) => r.key)).toEqual(['gz', 'bj', 'hz', NONE_KEY]);
    const two = w.rows(2);
    expect(two.map((r) => r.key)).toEqual(['gz', 'bj', OTHER_KEY]);
    expect(two[2]).toEqual({ key: OTHER_KEY, picked: 101, packed: 0, dispatched: 90, delivered: 0 });
  });
});

describe('Aggregator detail', () => {
  const agg = () =>
    new Aggregator({
      seriesStartMs: T0 - 300_000,
      milestonesMinor: [100n, 500n],
      alertDefaultTtlMs: 60_000,
      flashSkus: [{ sku: 'phone', stock: 3 }],
      lastYearMinor: 500n,
    });

  it('breaks orders down by region, category and channel, sells flash stock and stamps the sell-out', () => {
    const a = agg();
    a.applyOrder(
      { id: '1', amountMinor: 60, tsMs: T0 + 1000, qty: 1, region: 'CN-GD', channel: 'app', category: 'beauty', sku: 'phone' },
      T0 + 1000,
    );
    a.applyOrder({ id: '2', amountMinor: 50, tsMs: T0 + 2000, qty: 2, region: 'CN-ZJ', channel: 'app', sku: 'phone' }, T0 + 2000);
    a.applyOrder({ id: '2', amountMinor: 50, tsMs: T0 + 2000, qty: 2, region: 'CN-ZJ', channel: 'app', sku: 'phone' }, T0 + 2500); // retried
    a.applyOrder({ id: '3', amountMinor: 7, tsMs: T0 + 3000, qty: 1, sku: 'phone' }, T0 + 3000); // over-sold: stays sold out at the first time
    const d = a.detail();
    expect(d.regions).toEqual([
      { key: 'CN-GD', gmvMinor: '60', orders: 1 },
      { key: 'CN-ZJ', gmvMinor: '50', orders: 1 },
      { key: NONE_KEY, gmvMinor: '7', orders: 1 },
    ]);
    expect(d.channels[0]).toEqual({ key: 'app', gmvMinor: '110', orders: 2 });
    expect(d.categories.map((r) => r.key)).toEqual(['beauty', NONE_KEY]); // 60 vs 50 + 7
    expect(d.flash).toEqual([{ sku: 'phone', sold: 4, soldOutAtMs: T0 + 2000 }]);
    expect(a.milestones()).toEqual([
      { thresholdMinor: '100', reachedAtMs: T0 + 2000 },
      { thresholdMinor: '500', reachedAtMs: null, kind: 'lastYear' },
    ]);
  });
  it('counts dispatched parcels per minute and per warehouse, and restores all of it from a checkpoint', () => {
    const a = agg();
    a.applyLogistics({ id: 'l1', stage: 'picked', parcels: 10, warehouse: 'hz', tsMs: T0 + 1000 }, T0 + 1000);
    a.applyLogistics({ id: 'l2', stage: 'dispatched', parcels: 4, warehouse: 'hz', tsMs: T0 + 1500 }, T0 + 1500);
    a.applyOrder({ id: '1', amountMinor: 60, tsMs: T0 + 1000, qty: 3, region: 'CN-GD', sku: 'phone' }, T0 + 1000);
    expect(a.rates(T0 + 2000).dispatched60s).toBe(4);
    const cp = a.checkpoint();
    const b = agg();
    b.restore(JSON.parse(JSON.stringify(cp.state)), cp.seriesChunks, {});
    expect(b.detail()).toEqual(a.detail());
    expect(b.rates(T0 + 2000).dispatched60s).toBe(4);
    expect(b.detail().warehouses[0]).toEqual({ key: 'hz', picked: 10, packed: 0, dispatched: 4, delivered: 0 });
    expect(b.detail().flash[0]).toEqual({ sku: 'phone', sold: 3, soldOutAtMs: T0 + 1000 });
  });
});
