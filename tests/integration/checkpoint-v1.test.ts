/**
 * Characterisation: a checkpoint written by the code before the stream table (format 1, commit
 * 3f9831d, tests/fixtures/checkpoint-v1.json: every Redis key it wrote, byte for byte) restores
 * exactly with today's code, through the real start-up path (resume → Checkpointer.load, which
 * upgrades it to the current format → restore).
 * "Exactly" means every figure a screen, the API or health reads, the state the next checkpoint
 * would save, and the dedupe window: a retried id is judged after the restore as before it.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Aggregator } from '../../server/aggregate/aggregator';
import { AlarmBoard } from '../../server/alarms';
import { Checkpointer, checkpointKeys } from '../../server/checkpoint';
import type { EventDefinition } from '../../server/event';
import { silentLogger } from '../../server/log';
import { resume, type Resumed } from '../../server/resume';
import { upgradeAggregate } from '../../server/aggregate/state-upgrade';
import { FIXTURE, fixtureAggregator, type Fixture } from '../fixtures/checkpoint-v1-scenario';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/checkpoint-v1.json', import.meta.url), 'utf8')) as Fixture;
const prefix = `ckv1-${process.pid}-${Date.now()}:`;
let redis: Redis;
let resumed: Resumed;
let alarms: AlarmBoard;

/** Writes the fixture's keys under this run's prefix, exactly as the old code left them. */
async function load(): Promise<void> {
  const m = redis.multi();
  for (const r of fixture.raw) {
    const key = prefix + r.key.slice(fixture.prefix.length);
    if (r.type === 'string') m.set(key, r.text);
    else if (r.type === 'hash') m.hset(key, r.fields);
    else for (const el of r.elements) m.rpush(key, Buffer.from(el, 'base64'));
  }
  await m.exec();
}

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  await load();
  alarms = new AlarmBoard({ now: () => FIXTURE.nowMs, log: silentLogger });
  const keys = checkpointKeys(prefix);
  resumed = await resume({
    redis,
    keys,
    // Only the currency is read from the event on resume.
    event: { currency: 'CNY', minorDigits: 2 } as EventDefinition,
    alarms,
    newEpoch: false,
    makeAggregator: () => fixtureAggregator(Aggregator),
    makeCheckpointer: (agg) =>
      new Checkpointer(
        redis,
        keys,
        agg,
        () => ({ cursors: {} }),
        () => 'e',
        () => FIXTURE.nowMs,
        silentLogger,
        { key: `${prefix}fence`, token: () => null, refused: () => undefined },
      ),
    reachable: (_what, run) => run(),
    audit: async () => undefined,
    now: () => FIXTURE.nowMs,
    log: silentLogger,
  });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('a format-1 checkpoint (written before the stream table) restores exactly', () => {
  it('resumes it, raising no alarm, with its epoch and cursors', () => {
    expect(alarms.active().map((x) => x.detail)).toEqual([]);
    expect(resumed.epoch).toBe('fixture-epoch');
    expect(resumed.saved?.cursors).toEqual(FIXTURE.cursors);
    expect(resumed.saved?.counted).toEqual(FIXTURE.counted);
    expect(resumed.saved?.marker).toBe('m1');
  });

  it('reads every figure the writer read', () => {
    const a = resumed.aggregator;
    const e = fixture.expected;
    expect(a.gmvMinor.toString()).toBe(e.gmvMinor);
    expect(a.orders).toBe(e.orders);
    expect(a.totals()).toEqual(e.totals);
    expect(a.rates(FIXTURE.nowMs)).toEqual(e.rates);
    expect(a.parcels()).toEqual(e.parcels);
    expect(a.payments()).toEqual(e.payments);
    expect(a.traffic()).toEqual(e.traffic);
    expect(a.milestones()).toEqual(e.milestones);
    expect(a.series.all()).toEqual(e.series);
    expect(a.outages.list()).toEqual(e.outages);
    expect(a.outages.open).toBe(e.outageOpen);
    expect(a.detail()).toEqual(e.detail);
    expect(a.detail(Infinity)).toEqual(e.detailAll);
    expect(FIXTURE.drills.map(([dim, key]) => a.drill(dim, key))).toEqual(e.drills);
    expect(a.dedupeStatus()).toEqual(e.dedupeStatus);
  });

  it('would save the very state it was restored from, in the current format (nothing lost, nothing made up)', () => {
    const upgraded = upgradeAggregate(e().state);
    expect(typeof upgraded).toBe('object');
    expect(JSON.parse(JSON.stringify(resumed.aggregator.checkpoint().state))).toEqual(upgraded);
  });

  it('drops the alert that expired, keeps the others, newest first', () => {
    expect(resumed.aggregator.activeAlerts(FIXTURE.nowMs)).toEqual(e().activeAlerts);
  });

  it('judges every retried id as the writer did: duplicates, conflicts and new ids, in both dedupe generations', () => {
    const a = resumed.aggregator;
    for (const p of fixture.probes) {
      const got =
        p.stream === 'orders'
          ? a.applyOrder({ id: p.id, amountMinor: p.amountMinor!, tsMs: p.entryMs, qty: 1, region: 'CN-31' }, p.entryMs)
          : p.stream === 'logistics'
            ? a.applyLogistics({ id: p.id, stage: 'picked', parcels: 1, warehouse: 'W9', tsMs: p.entryMs }, p.entryMs)
            : a.applyPayment({ id: p.id, channel: 'alipay', ok: true, tsMs: p.entryMs }, p.entryMs);
      expect({ ...p, got }).toEqual({ ...p, got: p.outcome });
    }
    expect(a.totals()).toEqual(fixture.totalsAfterProbes);
    expect(a.dedupeStatus()).toEqual(fixture.dedupeAfterProbes);
  });
});

const e = (): Fixture['expected'] => fixture.expected;
