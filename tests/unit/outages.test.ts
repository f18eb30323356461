/** Source outages: recorded by the aggregate, kept through a checkpoint, drawn as gaps on the charts. */
import { describe, expect, it } from 'vitest';
import { MAX_OUTAGES, MIN_OUTAGE_MS, OutageLog } from '../../server/aggregate/outages';
import { Aggregator } from '../../server/aggregate/aggregator';
import { parseCheckpoint } from '../../server/checkpoint';
import { maskOutages, outageSpans } from '../../client/charts/outages';

describe('OutageLog', () => {
  it('opens one interval at a time, closes it, and forgets blips shorter than a second', () => {
    const l = new OutageLog();
    l.begin(10_000);
    l.begin(10_500); // still the same outage
    expect(l.list()).toEqual([{ fromMs: 10_000, toMs: null }]);
    expect(l.open).toBe(true);
    l.end(16_000);
    l.end(17_000); // nothing open
    expect(l.list()).toEqual([{ fromMs: 10_000, toMs: 16_000 }]);
    const v = l.version;
    l.begin(20_000);
    l.end(20_000 + MIN_OUTAGE_MS - 1);
    expect(l.list()).toEqual([{ fromMs: 10_000, toMs: 16_000 }]);
    expect(l.version).toBeGreaterThan(v);
  });

  it('keeps the newest ones only', () => {
    const l = new OutageLog();
    for (let i = 0; i < MAX_OUTAGES + 5; i++) {
      l.begin(i * 10_000);
      l.end(i * 10_000 + 2000);
    }
    expect(l.list()).toHaveLength(MAX_OUTAGES);
    expect(l.list()[0]!.fromMs).toBe(5 * 10_000);
  });

  it('goes through a checkpoint; an outage open when saved stays open until the first read ends it', () => {
    const a = new Aggregator({ seriesStartMs: 0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
    a.outages.begin(1000);
    a.outages.end(5000);
    a.outages.begin(9000);
    const text = JSON.stringify({ version: 1, epoch: 'e', savedAtMs: 9500, cursors: {}, aggregate: a.checkpoint().state });
    const b = new Aggregator({ seriesStartMs: 0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
    b.restore(parseCheckpoint(text).aggregate, new Map(), {});
    expect(b.outages.list()).toEqual([
      { fromMs: 1000, toMs: 5000 },
      { fromMs: 9000, toMs: null },
    ]);
    b.outages.end(30_000);
    expect(b.outages.list()[1]).toEqual({ fromMs: 9000, toMs: 30_000 });
  });

  it('restores only well-formed intervals, and none from a checkpoint written before they were kept', () => {
    const l = new OutageLog();
    l.restore([
      { fromMs: 5, toMs: 1 },
      { fromMs: 'x', toMs: null },
      null,
      { fromMs: 1, toMs: null },
      { fromMs: 100, toMs: 2000 },
      { fromMs: 3000, toMs: null },
    ]);
    expect(l.list()).toEqual([
      { fromMs: 100, toMs: 2000 },
      { fromMs: 3000, toMs: null },
    ]);
    const m = new OutageLog();
    m.restore(undefined);
    expect(m.list()).toEqual([]);
  });
});

describe('outages on the charts', () => {
  const xs = [100, 101, 102, 103, 104, 105, 106];
  it('draws an empty second inside an outage as a gap, a counted one as counted, and copies only when needed', () => {
    const ys = [5, 0, 7, 0, 0, 4, 0];
    const spans = outageSpans([{ fromMs: 101_500, toMs: 104_200 }], 0);
    expect(spans).toEqual([[101.5, 104.2]]);
    expect(maskOutages(xs, ys, spans)).toEqual([5, null, 7, null, null, 4, 0]);
    expect(ys).toEqual([5, 0, 7, 0, 0, 4, 0]); // the store's array is left alone
    expect(maskOutages(xs, ys, [])).toBe(ys);
    expect(maskOutages(xs, ys, [[200, 210]])).toBe(ys);
  });
  it('runs an open outage to now (or to the end of the data)', () => {
    expect(outageSpans([{ fromMs: 103_000, toMs: null }], 105_000)).toEqual([[103, 105]]);
    expect(maskOutages(xs, [1, 1, 1, 0, 0, 0, 0], outageSpans([{ fromMs: 103_000, toMs: null }], Infinity))).toEqual([
      1,
      1,
      1,
      null,
      null,
      null,
      null,
    ]);
  });
});
