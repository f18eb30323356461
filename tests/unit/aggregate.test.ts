import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RollingCounter } from '../../server/aggregate/rolling';
import { PerSecondSeries } from '../../server/aggregate/series';
import { Aggregator } from '../../server/aggregate/aggregator';
import { DedupeWindow } from '../../server/aggregate/dedupe';
import type { Order } from '../../shared/domain';

const T0 = 1_762_790_400_000; // 2025-11-11T00:00:00+08:00... any whole second works
const order = (id: string, amountMinor: number, tsMs: number): Order => ({ id, amountMinor, tsMs, qty: 1 });

describe('RollingCounter', () => {
  it('sums complete seconds before now, with an injected clock', () => {
    const r = new RollingCounter(60);
    r.add(T0 + 100, 1);
    r.add(T0 + 900, 2);
    r.add(T0 + 1500, 5);
    expect(r.sum(T0 + 1999, 1)).toBe(3); // the second [T0, T0+1s)
    expect(r.sum(T0 + 2000, 1)).toBe(5);
    expect(r.sum(T0 + 2000, 10)).toBe(8);
    expect(r.sum(T0 + 60_000, 60)).toBe(8);
    expect(r.sum(T0 + 61_000, 60)).toBe(5); // the first second has left the window
    expect(r.sum(T0 + 62_000, 60)).toBe(0);
  });
  it('reads old laps as empty after an idle gap and ignores events older than the ring', () => {
    const r = new RollingCounter(60);
    r.add(T0, 7);
    expect(r.sum(T0 + 3600_000, 60)).toBe(0);
    r.add(T0 + 3600_000, 1);
    r.add(T0, 100); // the slot now holds a newer second
    expect(r.sum(T0 + 3601_000, 1)).toBe(1);
  });
  it('matches a brute-force count for random events, including ones stamped up to 5 min ahead', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 420_000 }), { maxLength: 200 }),
        fc.integer({ min: 60_000, max: 125_000 }),
        (offsets, nowOff) => {
          const r = new RollingCounter(60);
          const sorted = offsets.filter((o) => o <= nowOff + 300_000);
          for (const o of sorted) r.add(T0 + o, 1);
          const nowSec = Math.floor((T0 + nowOff) / 1000);
          for (const w of [1, 10, 60]) {
            const expected = sorted.filter((o) => {
              const s = Math.floor((T0 + o) / 1000);
              return s >= nowSec - w && s < nowSec;
            }).length;
            expect(r.sum(T0 + nowOff, w)).toBe(expected);
          }
        },
      ),
    );
  });
});

describe('PerSecondSeries', () => {
  it('buckets by second from its start and reports changes as replace-from slices', () => {
    const s = new PerSecondSeries(T0);
    s.add(T0 + 1500, 1, 100);
    s.add(T0 + 1600, 1, 50);
    s.add(T0 - 1, 1, 1); // before the start: not in the series
    expect(s.takeChanges()).toEqual({ startMs: T0, from: 1, orders: [1 + 1], gmvMinor: [150] });
    expect(s.takeChanges().orders).toEqual([]);
    s.extendTo(T0 + 4000);
    s.add(T0 + 500, 1, 1);
    expect(s.takeChanges()).toEqual({ startMs: T0, from: 0, orders: [1, 2, 0, 0], gmvMinor: [1, 150, 0, 0] });
    expect(s.all().orders).toEqual([1, 2, 0, 0]);
  });
});

describe('DedupeWindow', () => {
  it('counts an id once within the window, whatever the order of arrival', () => {
    const d = new DedupeWindow({ windowMs: 1000 });
    expect(d.admit('a', T0)).toBe(true);
    expect(d.admit('a', T0 + 999)).toBe(false);
    expect(d.admit('b', T0 + 1000)).toBe(true); // rotates: 'a' is now in the previous generation
    expect(d.admit('a', T0 + 1500)).toBe(false);
    expect(d.admit('c', T0 + 2000)).toBe(true); // rotates again: 'a' is forgotten (remembered ≥ 1 window)
    expect(d.admit('a', T0 + 2001)).toBe(true);
  });
  it('never forgets an id before the window has passed (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 400 })), { maxLength: 300 }), (xs) => {
        const d = new DedupeWindow({ windowMs: 1000 });
        const lastCounted = new Map<number, number>();
        let t = T0;
        for (const [id, dt] of xs) {
          t += dt; // entry time only moves forward
          const prev = lastCounted.get(id);
          const admitted = d.admit(String(id), t);
          if (prev !== undefined && t - prev < 1000) expect(admitted).toBe(false);
          if (prev === undefined) expect(admitted).toBe(true);
          if (admitted) lastCounted.set(id, t);
        }
      }),
    );
  });
  it('tells a retry with another tag (amount) from a plain retry, across rotations and growth (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20 })), {
          maxLength: 400,
        }),
        (xs) => {
          const d = new DedupeWindow({ windowMs: 1000, withTags: true });
          const first = new Map<number, { tag: number; at: number }>();
          let t = T0;
          for (const [id, tag, dt] of xs) {
            t += dt;
            const f = first.get(id);
            const r = d.admitTagged(String(id), t, tag);
            if (f !== undefined && t - f.at < 1000) expect(r).toBe(f.tag === tag ? 'duplicate' : 'conflict');
            if (r === 'new') first.set(id, { tag, at: t });
            else expect(r).toBe(first.get(id)!.tag === tag ? 'duplicate' : 'conflict');
          }
        },
      ),
    );
  });
  it('shortens the window when the memory bound is hit, and says so', () => {
    const d = new DedupeWindow({ windowMs: 60_000, maxIds: 10 });
    for (let i = 0; i < 25; i++) d.admit(`id${i}`, T0);
    expect(d.earlyRotations).toBeGreaterThan(0);
    expect(d.size).toBeLessThanOrEqual(10);
  });
});

describe('Aggregator', () => {
  const make = (milestones: bigint[] = []) =>
    new Aggregator({ seriesStartMs: T0 - 300_000, milestonesMinor: milestones, alertDefaultTtlMs: 60_000 });

  it('keeps exact totals and counts rejections by reason', () => {
    const a = make();
    a.applyOrder(order('a', 3888800, T0), T0);
    a.applyOrder(order('b', 1, T0 + 10), T0);
    a.reject('bad_amount');
    a.reject('bad_amount');
    a.reject('bad_id');
    expect(a.totals()).toEqual({
      gmvMinor: '3888801',
      orders: 2,
      rejected: 3,
      rejectedByReason: { bad_amount: 2, bad_id: 1 },
      duplicates: 0,
    });
    expect(a.rates(T0 + 1000)).toEqual({ last1s: 2, last10s: 2, last60s: 2, dispatched60s: 0 });
  });

  it('counts a retried order or logistics id once', () => {
    const a = make();
    expect(a.applyOrder(order('a', 100, T0), T0)).toBe('counted');
    expect(a.applyOrder(order('a', 100, T0), T0 + 5000)).toBe('duplicate');
    expect(a.applyLogistics({ id: 'a', stage: 'picked', parcels: 2, tsMs: T0 }, T0)).toBe(true); // another stream: its own ids
    expect(a.applyLogistics({ id: 'a', stage: 'picked', parcels: 2, tsMs: T0 }, T0 + 1)).toBe(false);
    expect(a.totals()).toMatchObject({ gmvMinor: '100', orders: 1, duplicates: 2 });
    expect(a.parcels().picked).toBe(2);
  });

  it('stamps a milestone with the event time of the order that crossed it', () => {
    const a = make([1000n, 2000n, 5000n]);
    a.applyOrder(order('a', 999, T0 + 1), T0);
    expect(a.milestones().map((m) => m.reachedAtMs)).toEqual([null, null, null]);
    a.applyOrder(order('b', 1, T0 + 71_000), T0);
    a.applyOrder(order('c', 4000, T0 + 80_000), T0); // one order crosses two thresholds
    expect(a.milestones()).toEqual([
      { thresholdMinor: '1000', reachedAtMs: T0 + 71_000 },
      { thresholdMinor: '2000', reachedAtMs: T0 + 80_000 },
      { thresholdMinor: '5000', reachedAtMs: T0 + 80_000 },
    ]);
  });

  it('detects milestones beyond 2^53 minor units exactly', () => {
    const huge = 2n ** 53n + 5n;
    const a = make([huge]);
    const max = 100_000_000_000_000;
    let sum = 0n;
    let i = 0;
    while (sum + BigInt(max) < huge) {
      a.applyOrder(order(`o${i++}`, max, T0), T0);
      sum += BigInt(max);
    }
    const rest = Number(huge - sum);
    a.applyOrder(order('x', rest - 1, T0 + 1), T0);
    expect(a.milestones()[0]!.reachedAtMs).toBeNull();
    a.applyOrder(order('y', 1, T0 + 2), T0);
    expect(a.milestones()[0]!.reachedAtMs).toBe(T0 + 2);
    expect(a.gmvMinor).toBe(huge);
  });

  it('agrees with a simple reference model for any order sequence', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ amount: fc.integer({ min: 0, max: 100_000_000_000_000 }), dt: fc.integer({ min: -400_000, max: 4000_000 }) }),
          { maxLength: 200 },
        ),
        (xs) => {
          const a = make();
          let gmv = 0n;
          for (const [i, x] of xs.entries()) {
            a.applyOrder(order(String(i), x.amount, T0 + x.dt), T0);
            gmv += BigInt(x.amount);
          }
          expect(a.totals().gmvMinor).toBe(gmv.toString());
          expect(a.orders).toBe(xs.length);
          const inSeries = xs.filter((x) => x.dt >= -300_000).length;
          expect(a.series.all().orders.reduce((s, n) => s + n, 0)).toBe(inSeries);
        },
      ),
    );
  });

  it('keeps parcels by stage and active alerts, newest first; advancing the time drops expired ones, reading does not', () => {
    const a = make();
    a.applyLogistics({ id: 'l', stage: 'picked', parcels: 3, tsMs: T0 }, T0);
    a.applyLogistics({ id: 'l2', stage: 'picked', parcels: 2, tsMs: T0 }, T0);
    expect(a.parcels()).toEqual({ picked: 5, packed: 0, dispatched: 0, delivered: 0 });
    a.applyWeather({ id: 'w1', region: 'CN-GD', severity: 'warning', kind: 'storm', text: 'a', tsMs: T0 });
    a.applyWeather({ id: 'w2', region: 'CN-BJ', severity: 'info', kind: 'fog', text: 'b', tsMs: T0 + 10, untilMs: T0 + 120_000 });
    expect(a.activeAlerts(T0 + 1000).map((x) => x.id)).toEqual(['w2', 'w1']);
    const v = a.alertsVersion;
    expect(a.activeAlerts(T0 + 61_000).map((x) => x.id)).toEqual(['w2']); // w1's default TTL passed
    expect(a.alertsVersion).toBe(v); // a read changes nothing
    a.advance(T0 + 61_000); // time moves on: w1 is dropped, and publishers learn the list changed
    expect(a.alertsVersion).toBeGreaterThan(v);
    expect(a.checkpoint().state.parts.weather?.alerts.map((x) => x.id)).toEqual(['w2']);
    a.applyWeather({ id: 'w2', region: 'CN-BJ', severity: 'severe', kind: 'fog', text: 'c', tsMs: T0 + 20, untilMs: T0 + 90_000 });
    expect(a.activeAlerts(T0 + 61_000)).toHaveLength(1);
  });
});

describe('Aggregator checkpoints', () => {
  const make = () =>
    new Aggregator({ seriesStartMs: T0 - 300_000, milestonesMinor: [1000n, 5000n], alertDefaultTtlMs: 60_000, dedupeWindowMs: 10_000 });
  /** What Redis would hold after appending every journal: generation → words (and tags, unless `withTags` is false: an older version). */
  const store = (withTags = true) => {
    const blobs = new Map<string, number[]>();
    const tags = new Map<string, number[]>();
    const series = new Map<number, { orders: number[]; gmvMinor: number[] }>();
    return {
      save(cp: ReturnType<Aggregator['checkpoint']>) {
        for (const [k, c] of cp.seriesChunks) series.set(k, c);
        for (const s of ['orders', 'logistics'] as const) {
          const j = cp.journals[s]!;
          for (const seg of j.segments) {
            const key = `${s}:${seg.gen}`;
            blobs.set(key, j.replace ? [...seg.words] : [...(blobs.get(key) ?? []), ...seg.words]);
            if (withTags && seg.tags) tags.set(key, j.replace ? [...seg.tags] : [...(tags.get(key) ?? []), ...seg.tags]);
          }
          for (const g of j.dropped) {
            blobs.delete(`${s}:${g}`);
            tags.delete(`${s}:${g}`);
          }
        }
        return cp.state;
      },
      load(state: ReturnType<Aggregator['checkpoint']>['state']) {
        const w = (s: 'orders' | 'logistics', g: number | null) =>
          g === null || !blobs.has(`${s}:${g}`) ? null : Uint32Array.from(blobs.get(`${s}:${g}`)!);
        const t = (g: number | null) => (g === null || !tags.has(`orders:${g}`) ? null : Uint32Array.from(tags.get(`orders:${g}`)!));
        const d = { orders: state.dedupe.orders!, logistics: state.dedupe.logistics! };
        return {
          series,
          blobs: {
            orders: {
              current: w('orders', d.orders.gen),
              previous: w('orders', d.orders.previousGen),
              currentTags: t(d.orders.gen),
              previousTags: t(d.orders.previousGen),
            },
            logistics: { current: w('logistics', d.logistics.gen), previous: w('logistics', d.logistics.previousGen) },
          },
        };
      },
    };
  };

  it('restores to exactly the saved state, dedupe window included, across rotations', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 0, max: 60 }),
            amount: fc.integer({ min: 0, max: 10_000 }),
            dt: fc.integer({ min: 0, max: 3000 }),
            ckpt: fc.boolean(),
          }),
          { maxLength: 120 },
        ),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 20 }),
        (xs, retries) => {
          const a = make();
          const st = store();
          let t = T0;
          a.checkpoint();
          st.save(a.checkpoint());
          for (const x of xs) {
            t += x.dt;
            a.applyOrder(order(`o${x.id}`, x.amount, t), t);
            if (x.ckpt) st.save(a.checkpoint());
          }
          const saved = st.save(a.checkpoint());
          const b = make();
          const l = st.load(saved);
          b.restore(saved, l.series, l.blobs);
          expect(b.totals()).toEqual(a.totals());
          expect(b.milestones()).toEqual(a.milestones());
          expect(b.series.all()).toEqual(a.series.all());
          // Retries after the restart are judged exactly as the original would judge them.
          for (const id of retries)
            expect(b.applyOrder(order(`o${id}`, 1, t + 1), t + 1)).toBe(a.applyOrder(order(`o${id}`, 1, t + 1), t + 1));
          expect(b.totals()).toEqual(a.totals());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('hands back a failed checkpoint so the next one carries its changes', () => {
    const a = make();
    const st = store();
    a.applyOrder(order('x', 10, T0), T0);
    const lost = a.checkpoint();
    a.checkpointFailed(lost);
    a.applyOrder(order('y', 20, T0 + 1), T0 + 1);
    const saved = st.save(a.checkpoint());
    const b = make();
    const l = st.load(saved);
    b.restore(saved, l.series, l.blobs);
    expect(b.applyOrder(order('x', 10, T0 + 2), T0 + 2)).toBe('duplicate');
    expect(b.applyOrder(order('y', 20, T0 + 2), T0 + 2)).toBe('duplicate');
    expect(b.applyOrder(order('y', 21, T0 + 2), T0 + 2)).toBe('conflict');
    expect(b.series.all()).toEqual(a.series.all());
  });

  it('re-saves everything after the saved side data was lost', () => {
    const a = make();
    a.applyOrder(order('x', 10, T0), T0);
    a.checkpoint(); // saved, then Redis lost it
    a.needFullSave();
    const st = store();
    const saved = st.save(a.checkpoint());
    const b = make();
    const l = st.load(saved);
    b.restore(saved, l.series, l.blobs);
    expect(b.applyOrder(order('x', 10, T0 + 1), T0 + 1)).toBe('duplicate');
    expect(b.applyOrder(order('x', 11, T0 + 1), T0 + 1)).toBe('conflict');
    expect(b.series.all()).toEqual(a.series.all());
  });

  it('loads a checkpoint written before amounts were tagged: its ids stay retries, never conflicts', () => {
    const a = make();
    a.applyOrder(order('old', 10, T0), T0);
    const st = store(false);
    const saved = st.save(a.checkpoint());
    const b = make();
    const l = st.load(saved);
    b.restore(saved, l.series, l.blobs);
    expect(b.applyOrder(order('old', 99, T0 + 1), T0 + 1)).toBe('duplicate');
    expect(b.applyOrder(order('new', 5, T0 + 1), T0 + 1)).toBe('counted');
    expect(b.applyOrder(order('new', 6, T0 + 2), T0 + 2)).toBe('conflict');
    expect(b.totals()).toMatchObject({ orders: 2, duplicates: 1, gmvMinor: '15' });
  });
});

describe('Aggregator: payments and traffic', () => {
  const make = () => new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
  it('counts payment attempts per channel once per id, and bounds the number of channels', () => {
    const a = make();
    a.applyPayment({ id: 'p1', channel: 'alipay', ok: true, tsMs: T0 }, T0);
    a.applyPayment({ id: 'p1', channel: 'alipay', ok: true, tsMs: T0 }, T0 + 1); // retried
    a.applyPayment({ id: 'p2', channel: 'alipay', ok: false, tsMs: T0 }, T0 + 2);
    a.applyPayment({ id: 'p3', channel: 'card', ok: true, tsMs: T0 }, T0 + 3);
    expect(a.payments()).toEqual({ alipay: { ok: 1, failed: 1 }, card: { ok: 1, failed: 0 } });
    expect(a.totals().duplicates).toBe(1);
    for (let i = 0; i < 100; i++) a.applyPayment({ id: `c${i}`, channel: `ch${i}`, ok: true, tsMs: T0 }, T0 + 10);
    const channels = Object.keys(a.payments());
    expect(channels.length).toBeLessThanOrEqual(33);
    expect(Object.values(a.payments()).reduce((n, c) => n + c.ok + c.failed, 0)).toBe(103);
  });
  it('keeps the newest traffic value by event time', () => {
    const a = make();
    a.applyTraffic({ visitors: 10, tsMs: T0 + 5 });
    a.applyTraffic({ visitors: 7, tsMs: T0 + 1 }); // late and older: ignored
    expect(a.traffic()).toEqual({ visitors: 10, tsMs: T0 + 5 });
    a.applyTraffic({ visitors: 12, tsMs: T0 + 6 });
    expect(a.traffic()?.visitors).toBe(12);
  });
  it('restores payments and traffic from a checkpoint, and accepts checkpoints written before them', () => {
    const a = make();
    a.applyPayment({ id: 'p1', channel: 'card', ok: true, tsMs: T0 }, T0);
    a.applyTraffic({ visitors: 99, tsMs: T0 });
    const cp = a.checkpoint();
    const b = make();
    b.restore(cp.state, cp.seriesChunks, { payments: { current: cp.journals.payments!.segments[0]?.words ?? null, previous: null } });
    expect(b.payments()).toEqual(a.payments());
    expect(b.traffic()).toEqual(a.traffic());
    expect(b.applyPayment({ id: 'p1', channel: 'card', ok: true, tsMs: T0 }, T0 + 1)).toBe(false);
    const old = {
      ...cp.state,
      parts: { ...cp.state.parts, payments: undefined, traffic: undefined },
      dedupe: { orders: cp.state.dedupe.orders, logistics: cp.state.dedupe.logistics },
    };
    const c = make();
    c.restore(old, new Map(), {});
    expect(c.payments()).toEqual({});
    expect(c.traffic()).toBeNull();
  });
});
