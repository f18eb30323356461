import { describe, expect, it } from 'vitest';
import { LiveStore } from '../../client/live/store.svelte';
import type { Snapshot, Tick } from '../../shared/wire';

const base = { protocol: 1, tickIntervalMs: 100, serverNowMs: 1000 };
const totals = (gmv: string, orders: number) => ({ gmvMinor: gmv, orders, rejected: 0, rejectedByReason: {}, duplicates: 0 });
const snap = (epoch: string, seq: number, gmv: string, orders: number): Snapshot => ({
  ...base,
  kind: 'snapshot',
  epoch,
  seq,
  event: {
    name: 'e',
    t0Ms: 0,
    timeZone: 'UTC',
    currency: 'CNY',
    minorDigits: 2,
    locale: 'en',
    targetMinor: '100',
    map: 'china',
    flashSkus: [],
    lastYear: null,
  },
  totals: totals(gmv, orders),
  rates: { last1s: 0, last10s: 0, last60s: 0, dispatched60s: 0 },
  parcels: { picked: 0, packed: 0, dispatched: 0, delivered: 0 },
  payments: {},
  traffic: null,
  alerts: [],
  milestones: [],
  series: { startMs: 0, from: 0, orders: [1, 2], gmvMinor: [10, 20] },
  outages: [],
  source: { redis: 'up', staleSinceMs: null, lagMs: 0, newestOrderEntryMs: null, ingestPerSec: 0 },
  alarms: [],
  detail: { regions: [{ key: 'CN-GD', gmvMinor: '500', orders: 5 }], categories: [], channels: [], warehouses: [], flash: [] },
  banner: null,
});
const tick = (epoch: string, seq: number, gmv: string, orders: number, from = 1, o: number[] = [5]): Tick => ({
  ...base,
  kind: 'tick',
  epoch,
  seq,
  totals: totals(gmv, orders),
  rates: { last1s: 1, last10s: 1, last60s: 1, dispatched60s: 0 },
  parcels: { picked: 0, packed: 0, dispatched: 0, delivered: 0 },
  payments: {},
  traffic: null,
  series: { startMs: 0, from, orders: o, gmvMinor: o.map((x) => x * 10) },
  source: { redis: 'up', staleSinceMs: null, lagMs: 0, newestOrderEntryMs: null, ingestPerSec: 0 },
});

describe('LiveStore', () => {
  it('applies a snapshot then ticks in sequence, replacing series buckets from `from`', () => {
    const s = new LiveStore();
    s.applySnapshot(snap('e1', 10, '500', 5));
    expect(s.gmvMinor).toBe(500n);
    expect(s.applyTick(tick('e1', 11, '700', 7, 1, [5, 3]))).toBe('applied');
    expect(s.gmvMinor).toBe(700n);
    expect(s.seriesOrders).toEqual([1, 5, 3]);
    expect(s.seriesX).toEqual([0, 1, 2]);
    expect(s.seriesCumGmv).toEqual([10, 60, 90]);
    expect(s.peakOrders).toBe(5);
    expect(s.peakAtSec).toBe(1);
  });
  it('reports a gap (and changes nothing) on a missed tick or a new epoch', () => {
    const s = new LiveStore();
    s.applySnapshot(snap('e1', 10, '500', 5));
    expect(s.applyTick(tick('e1', 12, '900', 9))).toBe('gap');
    expect(s.applyTick(tick('e2', 11, '900', 9))).toBe('gap');
    expect(s.gmvMinor).toBe(500n);
  });
  it('knows the rates only while live with the source up, and takes the outages a message carries', () => {
    const s = new LiveStore();
    s.applySnapshot(snap('e1', 10, '500', 5));
    expect(s.ratesKnown).toBe(false); // not connected yet
    s.applyConnection('live');
    expect(s.ratesKnown).toBe(true);
    const down = {
      ...tick('e1', 11, '500', 5),
      source: { redis: 'down' as const, staleSinceMs: 900, lagMs: 0, newestOrderEntryMs: null, ingestPerSec: 0 },
      outages: [{ fromMs: 800, toMs: null }],
    };
    s.applyTick(down);
    expect(s.ratesKnown).toBe(false);
    expect(s.outages).toEqual([{ fromMs: 800, toMs: null }]);
    s.applyTick(tick('e1', 12, '600', 6)); // no outages field: unchanged
    expect(s.ratesKnown).toBe(true);
    expect(s.outages).toEqual([{ fromMs: 800, toMs: null }]);
    s.applyConnection('stale');
    expect(s.ratesKnown).toBe(false);
  });
  it('never runs backwards within an epoch, but shows the truth of a new epoch', () => {
    const s = new LiveStore();
    s.applySnapshot(snap('e1', 10, '500', 5));
    s.applySnapshot(snap('e1', 20, '400', 4)); // a stale snapshot from a slow path
    expect(s.gmvMinor).toBe(500n);
    s.applySnapshot(snap('e2', 0, '100', 1));
    expect(s.gmvMinor).toBe(100n);
  });
});
