/**
 * The gateway's merge against one process: the same events split over N shard aggregators (by
 * id, as producers shard them) and merged must give what one aggregator of every event gives —
 * totals, rates, parcels, payments, series and every breakdown row exactly; milestones in the same
 * second, never earlier.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Aggregator } from '../../server/aggregate/aggregator';
import { partialOf } from '../../server/merge/partial';
import { mergePartials } from '../../server/merge/merge';
import { mergeFlash } from '../../server/merge/rows';
import type { LogisticsEvent, Order, PaymentEvent } from '../../shared/domain';

const T0 = 1_762_790_400_000;
const make = (): Aggregator =>
  new Aggregator({
    seriesStartMs: T0 - 300_000,
    milestonesMinor: [5_000n, 50_000n, 200_000n],
    alertDefaultTtlMs: 60_000,
    dedupeWindowMs: 600_000,
    flashSkus: [{ sku: 'phone', stock: 40 }],
  });
/** Any stable split by id works: a retry must meet its first copy. */
const shardOf = (id: string, n: number): number => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % n;

const orderArb = fc.record({
  id: fc.integer({ min: 0, max: 80 }).map((i) => `o${i}`),
  amountMinor: fc.integer({ min: 0, max: 9_000 }),
  dt: fc.integer({ min: -310_000, max: 120_000 }),
  region: fc.constantFrom(undefined, 'CN-GD', 'CN-BJ', 'CN-SH'),
  channel: fc.constantFrom(undefined, 'app', 'web'),
  category: fc.constantFrom(undefined, 'phones', 'food', 'toys'),
  sku: fc.constantFrom(undefined, 'phone'),
});
const parcelArb = fc.record({
  id: fc.integer({ min: 0, max: 40 }).map((i) => `p${i}`),
  stage: fc.constantFrom('picked', 'packed', 'dispatched', 'delivered' as const),
  parcels: fc.integer({ min: 1, max: 5 }),
  warehouse: fc.constantFrom(undefined, 'WH-1', 'WH-2'),
  dt: fc.integer({ min: 0, max: 120_000 }),
});
const paymentArb = fc.record({
  id: fc.integer({ min: 0, max: 40 }).map((i) => `pay${i}`),
  channel: fc.constantFrom('alipay', 'card'),
  ok: fc.boolean(),
  dt: fc.integer({ min: 0, max: 120_000 }),
});

describe('mergePartials', () => {
  it('equals one aggregator of every event, for any split over 1–6 shards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(orderArb, { maxLength: 150 }),
        fc.array(parcelArb, { maxLength: 40 }),
        fc.array(paymentArb, { maxLength: 40 }),
        fc.boolean(),
        (n, orders, parcels, payments, inOrder) => {
          const whole = make();
          const shards = Array.from({ length: n }, make);
          // In event-time order, as a night mostly arrives: one process then stamps a milestone with the
          // crossing order's time, and the merge (by event time, to the second) must agree.
          if (inOrder) orders.sort((a, b) => a.dt - b.dt);
          for (const x of orders) {
            const o: Order = {
              id: x.id,
              amountMinor: x.amountMinor,
              tsMs: T0 + x.dt,
              qty: 1,
              region: x.region,
              channel: x.channel,
              category: x.category,
              sku: x.sku,
            };
            whole.applyOrder(o, T0 + 120_000);
            shards[shardOf(o.id, n)]!.applyOrder(o, T0 + 120_000);
          }
          for (const x of parcels) {
            const e: LogisticsEvent = { id: x.id, stage: x.stage, parcels: x.parcels, warehouse: x.warehouse, tsMs: T0 + x.dt };
            whole.applyLogistics(e, T0 + 120_000);
            shards[shardOf(e.id, n)]!.applyLogistics(e, T0 + 120_000);
          }
          for (const x of payments) {
            const p: PaymentEvent = { id: x.id, channel: x.channel, ok: x.ok, tsMs: T0 + x.dt };
            whole.applyPayment(p, T0 + 120_000);
            shards[shardOf(p.id, n)]!.applyPayment(p, T0 + 120_000);
          }
          const now = T0 + 121_500;
          const expected = partialOf(whole, now, { shard: 0, epoch: 'e', seq: 1 });
          const merged = mergePartials(
            shards.map((a, i) => partialOf(a, now, { shard: i, epoch: 'e', seq: 1 })),
            { milestones: whole.milestones().map((m) => ({ ...m, reachedAtMs: null })), stock: new Map([['phone', 40]]), nowMs: now },
          );
          expect(merged.totals).toEqual(expected.totals);
          expect(merged.rates).toEqual(expected.rates);
          expect(merged.parcels).toEqual(expected.parcels);
          expect(merged.payments).toEqual(expected.payments);
          expect(merged.series).toEqual(expected.series);
          const { flash, ...rows } = merged.breakdowns;
          const { flash: wholeFlash, ...wholeRows } = expected.breakdowns;
          expect(rows).toEqual(wholeRows);
          expect(flash.map((f) => [f.sku, f.sold, f.soldOutAtMs !== null])).toEqual(
            wholeFlash.map((f) => [f.sku, f.sold, f.soldOutAtMs !== null]),
          );
          // Milestones: reached exactly when one process reached them; for orders that arrive in event-time
          // order, stamped in the same second and never earlier. (Out of order, one process stamps the order
          // whose arrival crossed it, the merge the second whose cumulative GMV by event time did.)
          const wholeMs = whole.milestones();
          merged.milestones.forEach((m, i) => {
            const w = wholeMs[i]!;
            expect(m.thresholdMinor).toBe(w.thresholdMinor);
            expect(m.reachedAtMs === null).toBe(w.reachedAtMs === null);
            if (inOrder && m.reachedAtMs !== null && w.reachedAtMs !== null && w.reachedAtMs >= T0 - 300_000) {
              expect(m.reachedAtMs).toBeGreaterThanOrEqual(w.reachedAtMs);
              expect(Math.floor((m.reachedAtMs - (T0 - 300_000)) / 1000)).toBe(Math.floor((w.reachedAtMs - (T0 - 300_000)) / 1000));
            }
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps the union of alerts and the newest traffic gauge', () => {
    const a = make();
    const b = make();
    a.applyWeather({ id: 'w1', region: 'CN-GD', severity: 'severe', kind: 'storm', text: 'x', tsMs: T0 + 10 });
    b.applyWeather({ id: 'w2', region: 'CN-BJ', severity: 'info', kind: 'fog', text: 'y', tsMs: T0 + 20 });
    a.applyTraffic({ visitors: 10, tsMs: T0 + 5 });
    const now = T0 + 1000;
    const m = mergePartials([partialOf(a, now, { shard: 0, epoch: 'e', seq: 1 }), partialOf(b, now, { shard: 1, epoch: 'e', seq: 1 })], {
      milestones: [],
      stock: new Map(),
      nowMs: now,
    });
    expect(m.alerts.map((x) => x.id)).toEqual(['w2', 'w1']);
    expect(m.traffic).toEqual({ visitors: 10, tsMs: T0 + 5 });
  });

  it('marks a flash SKU sold out on the merged count, at the earliest sell-out a shard saw or when first seen', () => {
    const stock = new Map([['phone', 10]]);
    expect(
      mergeFlash([[{ sku: 'phone', sold: 6, soldOutAtMs: null }], [{ sku: 'phone', sold: 4, soldOutAtMs: null }]], stock, 123),
    ).toEqual([{ sku: 'phone', sold: 10, soldOutAtMs: 123 }]);
    expect(mergeFlash([[{ sku: 'phone', sold: 10, soldOutAtMs: 50 }], [{ sku: 'phone', sold: 1, soldOutAtMs: null }]], stock, 123)).toEqual(
      [{ sku: 'phone', sold: 11, soldOutAtMs: 50 }],
    );
    expect(mergeFlash([[{ sku: 'phone', sold: 9, soldOutAtMs: null }]], stock, 123)).toEqual([
      { sku: 'phone', sold: 9, soldOutAtMs: null },
    ]);
  });
});
