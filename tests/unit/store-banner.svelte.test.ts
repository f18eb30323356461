import { describe, expect, it } from 'vitest';
import { LiveStore } from '../../client/live/store.svelte';
import type { Banner } from '../../shared/wire';
import type { EventInfo } from '../../shared/domain';
import type { Snapshot } from '../../shared/wire';

const event: EventInfo = {
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
};
const snap = (banner: Banner | null, seq = 1): Snapshot => ({
  protocol: 1,
  tickIntervalMs: 100,
  serverNowMs: 1000,
  kind: 'snapshot',
  epoch: 'e1',
  seq,
  event,
  totals: { gmvMinor: '0', orders: 0, rejected: 0, rejectedByReason: {}, duplicates: 0 },
  rates: { last1s: 0, last10s: 0, last60s: 0, dispatched60s: 0 },
  parcels: { picked: 0, packed: 0, dispatched: 0, delivered: 0 },
  payments: {},
  traffic: null,
  alerts: [],
  milestones: [],
  series: { startMs: 0, from: 0, orders: [], gmvMinor: [] },
  outages: [],
  source: { redis: 'up', staleSinceMs: null, lagMs: 0, newestOrderEntryMs: null, ingestPerSec: 0 },
  alarms: [],
  detail: { regions: [], categories: [], channels: [], warehouses: [], flash: [] },
  banner,
});
const b: Banner = { text: 'Checkout degraded: use the app', untilMs: 60_000, by: 'account:alice' };

describe('LiveStore banner and event', () => {
  it('starts without a banner and takes the one a snapshot carries', () => {
    const s = new LiveStore();
    expect(s.banner).toBeNull();
    s.applySnapshot(snap(b));
    expect(s.banner).toEqual(b);
    s.applySnapshot(snap(null, 2));
    expect(s.banner).toBeNull();
  });

  it('sets and clears the banner from the banner event', () => {
    const s = new LiveStore();
    s.applySnapshot(snap(null));
    s.applyBanner(b);
    expect(s.banner).toEqual(b);
    s.applyBanner(null);
    expect(s.banner).toBeNull();
  });

  it('treats a snapshot without the banner field (an older server) as no banner', () => {
    const s = new LiveStore();
    s.applyBanner(b);
    const old = snap(null) as Partial<Snapshot>;
    delete old.banner;
    s.applySnapshot(old as Snapshot);
    expect(s.banner).toBeNull();
  });

  it('replaces the event on an event message, leaving the counters alone', () => {
    const s = new LiveStore();
    s.applySnapshot(snap(null));
    const totals = s.totals;
    const shifted: EventInfo = { ...event, t0Ms: 60_000, targetMinor: '200' };
    s.applyEvent(shifted);
    expect(s.event).toEqual(shifted);
    expect(s.totals).toBe(totals);
    expect(s.seq).toBe(1);
  });
});
