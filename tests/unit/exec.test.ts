/** Pure helpers of the executive view: last year's curve, chart columns, CSV, T+ axes, the URL filter. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildSeriesCsv,
  CSV_HEADER,
  curveToNumbers,
  eventDate,
  exportFileName,
  firstIndexAtT0,
  gmvChartData,
  lastYearAt,
  lastYearAtMinor,
  rateChartData,
  slug,
} from '../../client/exec/series';
import { axisMoney, formatDiff, formatTPlusAxis, nightSpan, sharePercent } from '../../client/exec/axes';
import { drillUrl, parseFilter, sameFilter, withFilter } from '../../client/exec/filter';
import type { DrillDim } from '../../shared/api';

const CURVE: [number, string][] = [
  [0, '0'],
  [300, '300000'],
  [1800, '900000'],
  [3600, '1400000'],
];

describe('last year at T+', () => {
  it('is linear between the points, flat outside them', () => {
    const c = curveToNumbers(CURVE);
    expect(lastYearAt(c, 0)).toBe(0);
    expect(lastYearAt(c, 150)).toBe(150_000);
    expect(lastYearAt(c, 300)).toBe(300_000);
    expect(lastYearAt(c, 1050)).toBe(600_000);
    expect(lastYearAt(c, -10)).toBe(0);
    expect(lastYearAt(c, 99_999)).toBe(1_400_000);
    expect(lastYearAt([], 10)).toBe(0);
  });

  it('is exact in BigInt and rounds down between points', () => {
    expect(lastYearAtMinor(CURVE, 1)).toBe(1000n);
    expect(
      lastYearAtMinor(
        [
          [0, '0'],
          [3, '10'],
        ],
        1,
      ),
    ).toBe(3n); // 3.33 → 3
    expect(
      lastYearAtMinor(
        [
          [0, '0'],
          [3, '10'],
        ],
        2,
      ),
    ).toBe(6n); // 6.67 → 6
    expect(
      lastYearAtMinor(
        [
          [0, '10'],
          [3, '0'],
        ],
        1,
      ),
    ).toBe(6n); // 6.67 → 6 (falling: floor)
    expect(lastYearAtMinor(CURVE, 4000)).toBe(1_400_000n);
    expect(lastYearAtMinor([], 4000)).toBeNull();
    // Past 2^53: still exact.
    const big: [number, string][] = [
      [0, '0'],
      [2, '18014398509481986'],
    ]; // 2^54 + 2
    expect(lastYearAtMinor(big, 1)).toBe(9007199254740993n); // 2^53 + 1, not representable as a number
  });

  it('agrees with the float version within a unit, at any whole second', () => {
    const c = curveToNumbers(CURVE);
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 5000 }), (s) => {
        const exact = lastYearAtMinor(CURVE, s)!;
        const f = lastYearAt(c, s);
        return Number(exact) <= f + 1e-6 && f - Number(exact) < 1;
      }),
    );
  });
});

/** A series like the store's: starts 5 min before T0 (seconds since the epoch). */
function series(t0Sec: number, secondsAfterT0: number, gmv: (i: number) => number, orders: (i: number) => number) {
  const seriesX: number[] = [];
  const seriesGmv: number[] = [];
  const seriesOrders: number[] = [];
  for (let i = 0; i < 300 + secondsAfterT0; i++) {
    seriesX.push(t0Sec - 300 + i);
    seriesGmv.push(gmv(i));
    seriesOrders.push(orders(i));
  }
  return { seriesX, seriesGmv, seriesOrders };
}

describe('chart columns', () => {
  const t0Sec = 1_762_790_400; // 2025-11-10T16:00:00Z = 2025-11-11 00:00 in Shanghai
  const s = series(
    t0Sec,
    10,
    (i) => i * 100,
    (i) => i,
  );

  it('find T0 in the series', () => {
    expect(firstIndexAtT0(s.seriesX, t0Sec)).toBe(300);
    expect(firstIndexAtT0(s.seriesX, t0Sec + 5)).toBe(305);
    expect(firstIndexAtT0(s.seriesX, t0Sec - 1000)).toBe(0);
    expect(firstIndexAtT0([], t0Sec)).toBe(0);
  });

  it('GMV: cumulative since T0 at each second, last year at the same x, last year on to the span', () => {
    const [xs, cur, ly] = gmvChartData(s.seriesX, s.seriesGmv, t0Sec, curveToNumbers(CURVE), 600);
    expect(xs.slice(0, 4)).toEqual([0, 1, 2, 3]);
    // Bucket 300 is the first after T0 (30000 minor), then 30100, ...: cumulative at the end of each second.
    expect(cur.slice(0, 4)).toEqual([0, 30_000, 60_100, 90_300]);
    expect(xs[10]).toBe(10);
    expect(cur[10]).toBe(Array.from({ length: 10 }, (_, i) => (300 + i) * 100).reduce((a, b) => a + b, 0));
    // After the data: last year's own points before the span, then the span; this year null.
    expect(xs.slice(11)).toEqual([300, 600]);
    expect(cur.slice(11)).toEqual([null, null]);
    expect(ly[0]).toBe(0);
    expect(ly[1]).toBe(1000);
    expect(ly[xs.length - 1]).toBe(lastYearAt(curveToNumbers(CURVE), 600));
  });

  it('GMV without last year: nulls, and the span still ends the x axis', () => {
    const [xs, , ly] = gmvChartData(s.seriesX, s.seriesGmv, t0Sec, null, 600);
    expect(xs[xs.length - 1]).toBe(600);
    expect(ly.every((v) => v === null)).toBe(true);
  });

  it('orders/s: x in seconds after T0 from T0 − 5 min', () => {
    const [xs, ys] = rateChartData(s.seriesX, s.seriesOrders, t0Sec);
    expect(xs[0]).toBe(-300);
    expect(xs[300]).toBe(0);
    expect(ys[300]).toBe(300);
    expect(xs).toHaveLength(310);
  });
});

describe('CSV', () => {
  const t0Sec = 1_762_790_400;

  it('has the header and one row per second since T0 with exact integers', () => {
    const s = series(
      t0Sec,
      4,
      (i) => (i < 300 ? 999 : 1000 + i),
      (i) => i % 7,
    );
    const csv = buildSeriesCsv({ ...s, t0Sec, lastYear: CURVE });
    const lines = csv.trimEnd().split('\n');
    expect(csv.endsWith('\n')).toBe(true);
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.slice(1)).toEqual([
      `0,${300 % 7},1300,1300,1000`,
      `1,${301 % 7},1301,2601,2000`,
      `2,${302 % 7},1302,3903,3000`,
      `3,${303 % 7},1303,5206,4000`,
    ]);
  });

  it('keeps the cumulative exact past 2^53 (BigInt)', () => {
    const perSecond = 2 ** 52; // exact as a number; two of them already exceed 2^53
    const s = series(
      t0Sec,
      3,
      (i) => (i < 300 ? 0 : perSecond + 1),
      () => 1,
    );
    const rows = buildSeriesCsv({ ...s, t0Sec, lastYear: null })
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(rows.map((r) => r[3])).toEqual([BigInt(perSecond + 1), 2n * BigInt(perSecond + 1), 3n * BigInt(perSecond + 1)].map(String));
    expect(rows.every((r) => r[4] === '')).toBe(true);
  });

  it('is empty but for the header before T0', () => {
    const s = series(
      t0Sec,
      0,
      () => 5,
      () => 1,
    );
    expect(buildSeriesCsv({ ...s, t0Sec, lastYear: CURVE })).toBe(`${CSV_HEADER}\n`);
  });

  it('names the file after the event and its date in the event zone', () => {
    const t0Ms = t0Sec * 1000;
    expect(eventDate(t0Ms, 'Asia/Shanghai')).toBe('2025-11-11');
    expect(eventDate(t0Ms, 'UTC')).toBe('2025-11-10');
    expect(exportFileName('Double 11 / 2025', t0Ms, 'Asia/Shanghai', 'csv')).toBe('warroom-Double-11-2025-2025-11-11.csv');
    expect(exportFileName('双11 主会场', t0Ms, 'Asia/Shanghai', 'png', 't004012')).toBe('warroom-双11-主会场-2025-11-11-t004012.png');
    expect(slug('../../etc')).toBe('etc');
    expect(slug('***')).toBe('event');
  });
});

describe('axes', () => {
  it('T+ labels in h:mm, with seconds when asked, T− before T0', () => {
    expect(formatTPlusAxis(0)).toBe('T+0:00');
    expect(formatTPlusAxis(65)).toBe('T+0:01');
    expect(formatTPlusAxis(3725)).toBe('T+1:02');
    expect(formatTPlusAxis(3725, true)).toBe('T+1:02:05');
    expect(formatTPlusAxis(-300)).toBe('T−0:05');
    expect(formatTPlusAxis(-0.2)).toBe('T+0:00');
    expect(formatTPlusAxis(26 * 3600)).toBe('T+26:00');
  });

  it('the night span runs 10 % ahead of now in steps that do not crawl', () => {
    expect(nightSpan(-100)).toBe(600);
    expect(nightSpan(0)).toBe(600);
    expect(nightSpan(40 * 60)).toBe(45 * 60);
    expect(nightSpan(40 * 60 + 30)).toBe(45 * 60);
    expect(nightSpan(2 * 3600)).toBe(2 * 3600 + 15 * 60);
    expect(nightSpan(10 * 3600)).toBe(11 * 3600);
    fc.assert(fc.property(fc.integer({ min: 0, max: 48 * 3600 }), (e) => nightSpan(e) >= e * 1.1 && nightSpan(e) >= 600));
  });

  it('money ticks in 万/亿 and K/M/B', () => {
    expect(axisMoney(0, 2, 'zh-CN')).toBe('0');
    expect(axisMoney(150_000_000, 2, 'zh-CN')).toBe('150万');
    expect(axisMoney(25_000_000_000, 2, 'zh-CN')).toBe('2.5亿');
    expect(axisMoney(150_000_000, 2, 'en')).toBe('1.5M');
    expect(axisMoney(2_500_000, 2, 'en')).toBe('25K');
  });

  it('differences and shares', () => {
    expect(formatDiff(112.34, 100)).toBe('+12.3%');
    expect(formatDiff(96, 100)).toBe('−4.0%');
    expect(formatDiff(100.01, 100)).toBe('±0.0%');
    expect(formatDiff(5, 0)).toBeNull();
    expect(sharePercent(1n, 3n)).toBe('33.33%');
    expect(sharePercent(2n, 3n)).toBe('66.66%'); // rounded down
    expect(sharePercent(5n, 5n)).toBe('100.00%');
    expect(sharePercent(1n, 0n)).toBeNull();
  });
});

describe('filter in the URL', () => {
  it('parses one dimension, the first present, and refuses junk', () => {
    expect(parseFilter('?region=CN-GD')).toEqual({ dim: 'region', key: 'CN-GD' });
    expect(parseFilter('?lang=en&channel=live')).toEqual({ dim: 'channel', key: 'live' });
    expect(parseFilter('?category=beauty&region=CN-ZJ')).toEqual({ dim: 'region', key: 'CN-ZJ' });
    expect(parseFilter('?category=%E7%BE%8E%E5%A6%86')).toEqual({ dim: 'category', key: '美妆' });
    expect(parseFilter('')).toBeNull();
    expect(parseFilter('?region=')).toBeNull();
    expect(parseFilter('?region=a%0Ab')).toBeNull();
    expect(parseFilter(`?region=${'x'.repeat(101)}`)).toBeNull();
    expect(parseFilter('?warehouse=WH-1')).toBeNull();
  });

  it('formats it back, keeping the other parameters', () => {
    expect(withFilter('', { dim: 'region', key: 'CN-GD' })).toBe('?region=CN-GD');
    expect(withFilter('?lang=en&region=CN-ZJ', { dim: 'category', key: 'home & garden' })).toBe('?lang=en&category=home+%26+garden');
    expect(withFilter('?lang=en&region=CN-ZJ', null)).toBe('?lang=en');
    expect(withFilter('?region=CN-ZJ', null)).toBe('');
  });

  it('round-trips any valid key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DrillDim>('region', 'category', 'channel'),
        fc.string({ minLength: 1, maxLength: 100 }).filter((k) => !/[\u0000-\u001f\u007f]/.test(k)),
        (dim, key) => {
          const f = { dim, key };
          return sameFilter(parseFilter(withFilter('?lang=en', f)), f);
        },
      ),
    );
  });

  it('builds the drill URL with the key encoded', () => {
    expect(drillUrl({ dim: 'region', key: 'CN-GD' })).toBe('/api/drill?dim=region&key=CN-GD');
    expect(drillUrl({ dim: 'category', key: 'a&b=c' })).toBe('/api/drill?dim=category&key=a%26b%3Dc');
  });
});
