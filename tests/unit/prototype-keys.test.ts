/**
 * Keys named like Object.prototype's members (`__proto__`, `constructor`, `toString`…) are ordinary
 * keys everywhere: the aggregate counts them exactly, a checkpoint (through JSON, as saved in Redis)
 * restores them, labels show them as sent, and Object.prototype is never touched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Aggregator } from '../../server/aggregate/aggregator';
import { parseCheckpoint } from '../../server/checkpoint';
import { decodeOrdersEntry, defaultDecodeOptions } from '../../server/ingest/decode';
import { regionName, tokenName } from '../../client/i18n';
import { LOGISTICS_STAGES, type LogisticsStage } from '../../shared/domain';
import { NONE_KEY } from '../../shared/wire';

const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'isPrototypeOf',
  'toLocaleString',
];
const KEYS = [...PROTO_KEYS, 'app', 'beauty', 'WH-HZ', 'alipay'];
const T0 = 1_762_790_400_000;

const pristine = (): void => {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k))).toEqual([]);
  expect((Object as unknown as Record<string, unknown>).ok).toBeUndefined();
  expect(({} as Record<string, unknown>).ok).toBeUndefined();
  expect(({} as Record<string, unknown>).orders).toBeUndefined();
};
const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
afterEach(pristine);

type Op =
  | { kind: 'order'; region?: string; category?: string; channel?: string; minor: number }
  | { kind: 'parcel'; warehouse?: string; stage: LogisticsStage; parcels: number }
  | { kind: 'payment'; channel: string; ok: boolean };

const key = fc.constantFrom(...KEYS);
const maybe = fc.option(key, { nil: undefined });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    region: maybe,
    category: maybe,
    channel: maybe,
    minor: fc.integer({ min: 0, max: 100_000_000_000_000 }),
  }),
  fc.record({
    kind: fc.constant('parcel' as const),
    warehouse: maybe,
    stage: fc.constantFrom(...LOGISTICS_STAGES),
    parcels: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({ kind: fc.constant('payment' as const), channel: key, ok: fc.boolean() }),
);

/** An independent ledger: Maps only. */
function ledger(ops: Op[]) {
  const sums = {
    region: new Map<string, [bigint, number]>(),
    category: new Map<string, [bigint, number]>(),
    channel: new Map<string, [bigint, number]>(),
  };
  const wh = new Map<string, Record<LogisticsStage, number>>();
  const pay = new Map<string, { ok: number; failed: number }>();
  for (const o of ops) {
    if (o.kind === 'order') {
      for (const dim of ['region', 'category', 'channel'] as const) {
        const k = o[dim] ?? NONE_KEY;
        const [g, n] = sums[dim].get(k) ?? [0n, 0];
        sums[dim].set(k, [g + BigInt(o.minor), n + 1]);
      }
    } else if (o.kind === 'parcel') {
      const k = o.warehouse ?? NONE_KEY;
      const r = wh.get(k) ?? { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
      r[o.stage] += o.parcels;
      wh.set(k, r);
    } else {
      const c = pay.get(o.channel) ?? { ok: 0, failed: 0 };
      if (o.ok) c.ok++;
      else c.failed++;
      pay.set(o.channel, c);
    }
  }
  return { sums, wh, pay };
}

function feed(a: Aggregator, ops: Op[], prefix = 'i'): void {
  ops.forEach((o, i) => {
    const id = `${prefix}${i}`;
    if (o.kind === 'order')
      a.applyOrder({ id, amountMinor: o.minor, tsMs: T0 + i, qty: 1, region: o.region, category: o.category, channel: o.channel }, T0 + i);
    else if (o.kind === 'parcel')
      a.applyLogistics({ id, stage: o.stage, parcels: o.parcels, tsMs: T0 + i, warehouse: o.warehouse }, T0 + i);
    else a.applyPayment({ id, channel: o.channel, ok: o.ok, tsMs: T0 + i }, T0 + i);
  });
}

/** Through a checkpoint as Redis keeps it: JSON text, parsed and checked, restored into a fresh aggregator. */
function roundTrip(a: Aggregator): Aggregator {
  const cp = a.checkpoint();
  const text = JSON.stringify({ version: 1, epoch: 'e', savedAtMs: T0, cursors: { 'wr:orders': '1-0' }, aggregate: cp.state });
  const saved = parseCheckpoint(text);
  const b = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
  b.restore(saved.aggregate, cp.seriesChunks, {});
  return b;
}

function expectMatches(a: Aggregator, l: ReturnType<typeof ledger>): void {
  const d = a.detail(Infinity);
  for (const [dim, rows] of [
    ['region', d.regions],
    ['category', d.categories],
    ['channel', d.channels],
  ] as const) {
    const got = new Map(rows.map((r) => [r.key, [BigInt(r.gmvMinor), r.orders] as [bigint, number]]));
    expect(got, dim).toEqual(l.sums[dim]);
  }
  expect(new Map(d.warehouses.map(({ key, ...r }) => [key, r]))).toEqual(l.wh);
  const p = a.payments();
  expect(Object.getPrototypeOf(p)).toBeNull();
  expect(new Map(Object.entries(p))).toEqual(l.pay);
  // Through JSON (the wire and /api/state) every channel is still there.
  expect(new Map(Object.entries(JSON.parse(JSON.stringify(p)) as object))).toEqual(l.pay);
}

describe('keys named like Object.prototype members', () => {
  it('are counted exactly, survive a checkpoint through JSON, and leave Object.prototype alone', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const a = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
        feed(a, ops);
        const l = ledger(ops);
        expectMatches(a, l);
        const b = roundTrip(a);
        expectMatches(b, l);
        // And counting goes on after the restore, into the same rows.
        feed(b, ops, 'again');
        const twice = ledger([...ops, ...ops]);
        expectMatches(b, twice);
        pristine();
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('counts rejection reasons and drill-downs under such keys', () => {
    const a = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
    for (const k of PROTO_KEYS) a.reject(k);
    a.reject('__proto__');
    expect(a.totals().rejectedByReason.__proto__).toBe(2);
    expect(Object.keys(a.totals().rejectedByReason).sort()).toEqual([...PROTO_KEYS].sort());
    a.applyOrder({ id: 'o1', amountMinor: 500, tsMs: T0, qty: 1, region: '__proto__', category: 'constructor', channel: 'toString' }, T0);
    expect(a.drill('category', 'constructor')).toMatchObject({
      gmvMinor: '500',
      orders: 1,
      regions: [{ key: '__proto__', gmvMinor: '500', orders: 1 }],
      channels: [{ key: 'toString', gmvMinor: '500', orders: 1 }],
    });
    const b = roundTrip(a);
    expect(b.totals().rejectedByReason).toEqual(a.totals().rejectedByReason);
    expect(b.drill('region', '__proto__')?.categories).toEqual([{ key: 'constructor', gmvMinor: '500', orders: 1 }]);
  });

  it('restores a hand-made checkpoint whose "__proto__" keys are own JSON properties, without adopting them as prototypes', () => {
    const base = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 }).checkpoint().state;
    const text = JSON.stringify({ version: 1, epoch: 'e', savedAtMs: T0, cursors: {}, aggregate: base })
      .replace('"channels":{}', '"channels":{"__proto__":{"ok":3,"failed":1},"constructor":{"ok":1,"failed":0}}')
      .replace('"rejectedByReason":{}', '"rejectedByReason":{"__proto__":2}')
      .replace('"parcels":{', '"parcels":{"__proto__":{"polluted":1},');
    const saved = parseCheckpoint(text);
    const b = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
    b.restore(saved.aggregate, new Map(), {});
    expect(new Map(Object.entries(b.payments()))).toEqual(
      new Map([
        ['__proto__', { ok: 3, failed: 1 }],
        ['constructor', { ok: 1, failed: 0 }],
      ]),
    );
    expect(Object.entries(b.totals().rejectedByReason)).toEqual([['__proto__', 2]]);
    expect(b.parcels()).toEqual({ picked: 0, packed: 0, dispatched: 0, delivered: 0 });
    b.applyPayment({ id: 'p', channel: '__proto__', ok: true, tsMs: T0 }, T0);
    expect(b.payments().__proto__).toEqual({ ok: 4, failed: 1 });
  });

  it('refuses a checkpoint whose payment counts are not counts', () => {
    const base = new Aggregator({ seriesStartMs: T0, milestonesMinor: [], alertDefaultTtlMs: 1000 }).checkpoint().state;
    const text = JSON.stringify({
      version: 1,
      epoch: 'e',
      savedAtMs: T0,
      cursors: {},
      aggregate: { ...base, parts: { ...base.parts, payments: { channels: { __x: null } } } },
    });
    expect(() => parseCheckpoint(text)).toThrow(/payments/);
  });

  it('are valid contract tokens, decoded as sent', () => {
    for (const k of PROTO_KEYS) {
      const r = decodeOrdersEntry(`${T0}-0`, ['id', 'o', 'amount', '1.00', 'channel', k, 'category', k], defaultDecodeOptions);
      expect(r.orders[0]).toMatchObject({ channel: k, category: k });
    }
  });

  it('show as sent on screens (not blank, not "function …")', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const k of PROTO_KEYS) {
        expect(tokenName(k, locale)).toBe(k);
        expect(regionName(k, locale)).toBe(k);
      }
      expect(tokenName('alipay', locale)).toBe(locale === 'en' ? 'Alipay' : '支付宝');
    }
  });
});
