/**
 * The checkpoint's aggregate format: format 1 (the flat state saved before the stream table) is
 * upgraded to format 2 (one part per stream) before it is checked and restored. The restore test
 * with the bytes the old code wrote is tests/integration/checkpoint-v1.test.ts; here the upgrade
 * itself, on the fixture's format-1 state and on the older format-1 states that lacked fields.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../server/aggregate/aggregator';
import { aggregateProblem } from '../../server/aggregate/state-check';
import { upgradeAggregate, upgradeV1 } from '../../server/aggregate/state-upgrade';
import type { AggregateState } from '../../server/aggregate/state';
import { parseCheckpoint } from '../../server/checkpoint';
import type { Fixture } from '../fixtures/checkpoint-v1-scenario';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/checkpoint-v1.json', import.meta.url), 'utf8')) as Fixture;
const v1 = (): Record<string, unknown> => structuredClone(fixture.expected.state) as Record<string, unknown>;
const T0 = 1_764_547_200_000;
const fresh = () => new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });

describe('upgradeV1', () => {
  it('moves every field of a format-1 state to its stream part, and the result passes the current checks', () => {
    const up = upgradeV1(v1());
    expect(aggregateProblem(up)).toBeNull();
    const a = v1() as Record<string, Record<string, unknown>>;
    const parts = (up as unknown as AggregateState).parts;
    expect(parts.orders).toEqual({
      gmvMinor: a.gmvMinor,
      orders: a.orders,
      rolling: a.rolling,
      seriesStartMs: a.seriesStartMs,
      seriesLength: a.seriesLength,
      milestones: a.milestones,
      breakdowns: { regions: a.breakdowns!.regions, categories: a.breakdowns!.categories, channels: a.breakdowns!.channels },
      pairs: a.pairs,
      flash: a.flash,
    });
    expect(parts.logistics).toEqual({ parcels: a.parcels, warehouses: a.breakdowns!.warehouses, dispatchRolling: a.dispatchRolling });
    expect(parts.weather).toEqual({ alerts: a.alerts });
    expect(parts.payments).toEqual({ channels: a.payments });
    expect(parts.traffic).toEqual({ gauge: a.traffic });
    expect(up).toMatchObject({
      version: 2,
      rejected: a.rejected,
      rejectedByReason: a.rejectedByReason,
      duplicates: a.duplicates,
      outages: a.outages,
      dedupe: a.dedupe,
    });
  });

  it('gives the fields an older format-1 state lacks their empty value, restoring as the old code did', () => {
    const old = v1();
    for (const k of ['payments', 'traffic', 'breakdowns', 'flash', 'pairs', 'dispatchRolling', 'outages']) delete old[k];
    delete (old.dedupe as Record<string, unknown>).payments;
    const up = upgradeV1(old);
    expect(aggregateProblem(up)).toBeNull();
    expect((up as unknown as AggregateState).parts.payments).toBeUndefined(); // predates payments: the part starts empty
    const b = fresh();
    b.restore(up as unknown as AggregateState, new Map(), {});
    expect(b.payments()).toEqual({});
    expect(b.traffic()).toBeNull();
    expect(b.detail(Infinity)).toEqual({ regions: [], categories: [], channels: [], warehouses: [], flash: [] });
    expect(b.rates(T0 + 601_000).dispatched60s).toBe(0);
    expect(b.outages.list()).toEqual([]);
    expect(b.totals()).toEqual({
      gmvMinor: old.gmvMinor,
      orders: old.orders,
      rejected: old.rejected,
      rejectedByReason: old.rejectedByReason,
      duplicates: old.duplicates,
    });
  });

  it('moves a wrong type along, so the check names it where it now lives', () => {
    const bad = v1();
    (bad.parcels as Record<string, unknown>).picked = '2';
    expect(aggregateProblem(upgradeV1(bad))).toBe('aggregate.parts.logistics.parcels.picked is not a count');
  });
});

describe('upgradeAggregate', () => {
  it('upgrades format 1, leaves format 2 as it is, and refuses a version it does not know', () => {
    expect(upgradeAggregate(v1())).toEqual(upgradeV1(v1()));
    const current = fresh().checkpoint().state as unknown as Record<string, unknown>;
    expect(upgradeAggregate(current)).toBe(current);
    expect(upgradeAggregate({ ...current, version: 3 })).toBe('aggregate has an unknown version (3)');
    expect(upgradeAggregate({ ...current, version: '__proto__' })).toMatch(/unknown version/);
    expect(upgradeAggregate('x')).toBe('aggregate is not an object');
  });

  it('is applied by parseCheckpoint: a format-1 checkpoint loads as format 2', () => {
    const text = JSON.stringify({ version: 1, epoch: 'e', savedAtMs: 1, cursors: {}, aggregate: v1() });
    expect(parseCheckpoint(text).aggregate).toEqual(upgradeV1(v1()));
  });
});
