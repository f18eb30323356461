import { describe, expect, it } from 'vitest';
import { alignTags, parseCheckpoint } from '../../server/checkpoint';
import { Aggregator } from '../../server/aggregate/aggregator';
import { seriesChunkProblem } from '../../server/aggregate/state-check';

const fresh = () => new Aggregator({ seriesStartMs: 0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
const saved = (patch: Record<string, unknown> = {}, agg: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    epoch: 'e',
    savedAtMs: 1,
    cursors: { 'wr:orders': '1-0' },
    aggregate: { ...fresh().checkpoint().state, ...agg },
    ...patch,
  });

/** The fresh state with its orders part patched. */
const withOrders = (patch: Record<string, unknown>) => {
  const s = fresh().checkpoint().state;
  return { parts: { ...s.parts, orders: { ...s.parts.orders, ...patch } } };
};

describe('parseCheckpoint', () => {
  it('accepts what a fresh aggregator saves, through JSON (no -Infinity survives JSON)', () => {
    const cp = parseCheckpoint(saved());
    expect(cp.aggregate.dedupe.orders?.startedMs).toBeNull();
    expect(cp.cursors).toEqual({ 'wr:orders': '1-0' });
  });
  it.each([
    ['not JSON', '{'],
    ['another version', saved({ version: 2 })],
    ['a bad cursor', saved({ cursors: { 'wr:orders': 'latest' } })],
    ['an aggregate of an unknown version', saved({}, { version: 3 })],
    ['a float GMV', saved({}, withOrders({ gmvMinor: '1.5' }))],
    ['a missing count', saved({}, withOrders({ orders: undefined }))],
    [
      'a bad dedupe generation',
      saved(
        {},
        {
          dedupe: {
            orders: { gen: -1, previousGen: null, startedMs: null, earlyRotations: 0 },
            logistics: { gen: 0, previousGen: null, startedMs: null, earlyRotations: 0 },
          },
        },
      ),
    ],
  ])('rejects %s', (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(/checkpoint/);
  });
});

describe('parseCheckpoint: valid JSON with wrong inner types is corrupt', () => {
  /** A saved aggregate that has seen an order, a logistics event, a payment, traffic and a breakdown. */
  const busy = (): Record<string, unknown> => {
    const a = new Aggregator({ seriesStartMs: 0, milestonesMinor: [100n], alertDefaultTtlMs: 1000, flashSkus: [{ sku: 'p1', stock: 1 }] });
    a.applyOrder({ id: 'o1', amountMinor: 500, tsMs: 1000, qty: 1, region: 'CN-31', channel: 'app', category: 'phone', sku: 'p1' }, 1000);
    a.applyLogistics({ id: 'l1', stage: 'picked', parcels: 2, warehouse: 'W1', tsMs: 1000 }, 1000);
    a.applyPayment({ id: 'p1', channel: 'alipay', ok: true, tsMs: 1000 }, 1000);
    a.applyTraffic({ visitors: 10, tsMs: 1000 });
    a.applyWeather({ id: 'w1', region: 'CN-31', severity: 'warning', kind: 'rain', text: 'rain', tsMs: 1000 });
    return JSON.parse(JSON.stringify(a.checkpoint().state)) as Record<string, unknown>;
  };
  const DELETE = Symbol('delete');
  /** The busy state with the value at `path` replaced (or deleted). */
  const withPatch = (path: (string | number)[], value: unknown): string => {
    const agg = busy();
    let at: Record<string | number, unknown> = agg;
    for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (value === DELETE) delete at[last];
    else at[last] = value;
    return JSON.stringify({ version: 1, epoch: 'e', savedAtMs: 1, cursors: {}, aggregate: agg });
  };

  it('accepts the busy state as saved', () => {
    expect(() => parseCheckpoint(withPatch(['parts', 'orders', 'orders'], 1))).not.toThrow();
  });
  it.each<[string, (string | number)[], unknown, RegExp]>([
    ['aggregate.rolling = "x"', ['parts', 'orders', 'rolling'], 'x', /aggregate\.parts\.orders\.rolling/],
    ['a rolling count as a string', ['parts', 'orders', 'rolling', 'counts', 3], '1', /aggregate\.parts\.orders\.rolling\.counts\[3\]/],
    ['dedupe.orders.gen = "1"', ['dedupe', 'orders', 'gen'], '1', /dedupe state of orders/],
    ['parcels.picked = "2"', ['parts', 'logistics', 'parcels', 'picked'], '2', /aggregate\.parts\.logistics\.parcels\.picked/],
    ['a rejected count as a string', ['rejectedByReason'], { bad_amount: '3' }, /rejectedByReason\.bad_amount/],
    [
      'a milestone threshold as a number',
      ['parts', 'orders', 'milestones', 0, 'thresholdMinor'],
      100,
      /parts\.orders\.milestones\[0\]\.thresholdMinor/,
    ],
    [
      'a milestone time as a string',
      ['parts', 'orders', 'milestones', 0, 'reachedAtMs'],
      '1000',
      /parts\.orders\.milestones\[0\]\.reachedAtMs/,
    ],
    ['an alert without text', ['parts', 'weather', 'alerts', 0, 'text'], DELETE, /parts\.weather\.alerts\[0\]\.text/],
    ['payments ok as a string', ['parts', 'payments', 'channels', 'alipay', 'ok'], '1', /parts\.payments\.channels\.alipay\.ok/],
    ['traffic visitors as a string', ['parts', 'traffic', 'gauge', 'visitors'], '10', /parts\.traffic\.gauge\.visitors/],
    [
      'a region row GMV as a number',
      ['parts', 'orders', 'breakdowns', 'regions', 0, 1],
      500,
      /parts\.orders\.breakdowns\.regions\[0\]\[1\]/,
    ],
    [
      'a region row count as a string',
      ['parts', 'orders', 'breakdowns', 'regions', 0, 2],
      '1',
      /parts\.orders\.breakdowns\.regions\[0\]\[2\]/,
    ],
    ['warehouses as an object', ['parts', 'logistics', 'warehouses'], {}, /parts\.logistics\.warehouses/],
    ['a warehouse stage as a string', ['parts', 'logistics', 'warehouses', 0, 'picked'], '2', /parts\.logistics\.warehouses\[0\]\.picked/],
    ['flash sold as a string', ['parts', 'orders', 'flash', 0, 'sold'], '1', /parts\.orders\.flash\[0\]\.sold/],
    [
      'a pair row count as a string',
      ['parts', 'orders', 'pairs', 'regionChannel', 0, 3],
      '1',
      /parts\.orders\.pairs\.regionChannel\[0\]\[3\]/,
    ],
    ['dispatchRolling = 5', ['parts', 'logistics', 'dispatchRolling'], 5, /parts\.logistics\.dispatchRolling/],
    ['a negative order count', ['parts', 'orders', 'orders'], -1, /parts\.orders\.orders/],
  ])('rejects %s, naming the place', (_what, path, value, where) => {
    expect(() => parseCheckpoint(withPatch(path, value))).toThrow(where);
  });
});

describe('seriesChunkProblem', () => {
  it('accepts a saved chunk and names a wrong type inside one', () => {
    expect(seriesChunkProblem(0, { orders: [1, 0, null], gmvMinor: [500, 0, null] })).toBeNull();
    expect(seriesChunkProblem(2, { orders: [1, '2'], gmvMinor: [1, 2] })).toMatch(/series chunk 2\.orders\[1\]/);
    expect(seriesChunkProblem(0, { orders: 'x', gmvMinor: [] })).toMatch(/orders is not an array/);
    expect(seriesChunkProblem(Number.NaN, { orders: [], gmvMinor: [] })).toMatch(/index/);
  });
});

describe('alignTags', () => {
  const hashes = (n: number): Buffer => Buffer.alloc(n * 16, 7);
  const tags = (...t: number[]): Buffer => Buffer.from(new Uint32Array(t).buffer);
  it('pairs tag elements with hash elements from the end: an older version pushed the first hashes without tags', () => {
    expect(alignTags([hashes(2), hashes(1), hashes(2)], [tags(5), tags(6, 7)])).toEqual(new Uint32Array([0, 0, 5, 6, 7]));
    expect(alignTags([hashes(2)], [])).toBeNull();
  });
  it('leaves ids unknown (0) from the first element whose lengths disagree', () => {
    expect(alignTags([hashes(1), hashes(2)], [tags(1, 2), tags(3)])).toEqual(new Uint32Array([0, 0, 0]));
  });
});
