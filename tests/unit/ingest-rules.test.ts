import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../server/aggregate/aggregator';
import { applyEntry, entryBytes, type Rejecter } from '../../server/ingest/apply';
import { defaultDecodeOptions as o, type Rejection } from '../../server/ingest/decode';
import { letterFields } from '../../server/ingest/deadletter';
import { judgeFutureId } from '../../server/ingest/future';

const T = 1731254400000;

describe('judgeFutureId', () => {
  const ahead = T + 3600_000;
  it("counts an entry Redis stamped after a future ID (same ms, next sequence) at the server's time", () => {
    expect(judgeFutureId(`${ahead}-1`, ahead, `${ahead}-0`, T)).toBe(T);
    expect(judgeFutureId(`${ahead}-8`, ahead, `${ahead}-7`, T)).toBe(T);
  });
  it('rejects an ID a producer set: a jump past the entry before it, or nothing before it', () => {
    expect(judgeFutureId(`${ahead}-0`, ahead, `${T}-3`, T)).toBeNull();
    expect(judgeFutureId(`${ahead + 5}-0`, ahead + 5, `${ahead}-2`, T)).toBeNull();
    expect(judgeFutureId(`${ahead}-0`, ahead, undefined, T)).toBeNull();
    expect(judgeFutureId(`${ahead}-5`, ahead, `${ahead}-3`, T)).toBeNull(); // a gap in the sequence: set by hand
  });
});

describe('letterFields', () => {
  it('copies small fields as they are, padding a dangling name', () => {
    expect(letterFields(['id', 'o-1', 'amount', 'x'])).toEqual(['id', 'o-1', 'amount', 'x']);
    expect(letterFields(['id', 'o-1', 'orphan'])).toEqual(['id', 'o-1', 'orphan', '']);
  });
  it('keeps the first 1,024 characters of a long field and records its byte length', () => {
    const big = 'é'.repeat(3_000_000); // 6 MB in UTF-8
    const out = letterFields(['id', 'o-1', 'note', big]);
    expect(out.slice(0, 3)).toEqual(['id', 'o-1', 'note']);
    expect(out[3]).toBe('é'.repeat(1024));
    expect(out[4]).toBe('truncated');
    expect(JSON.parse(out[5]!)).toEqual([{ field: 'note', bytes: 6_000_000 }]);
    expect(out.reduce((n, f) => n + f.length, 0)).toBeLessThan(2000);
  });
  it('records lengths given for fields cut before (a careful read) and the items left out', () => {
    const out = letterFields(['amount', '7'.repeat(1024)], [6, 64 << 20], 10);
    expect(out).toEqual([
      'amount',
      '7'.repeat(1024),
      'truncated',
      JSON.stringify([{ field: 'amount', bytes: 64 << 20 }]),
      'omitted_fields',
      '4',
    ]);
  });
});

describe('applyEntry', () => {
  const make = () => new Aggregator({ seriesStartMs: T - 300_000, milestonesMinor: [], alertDefaultTtlMs: 60_000 });
  const collect = () => {
    const got: Rejection[] = [];
    const out: Rejecter = { reject: (_s, _id, _f, r) => got.push(r) };
    return { got, out };
  };

  it('counts a retry with another amount once, and rejects the retry as conflicting_retry', () => {
    const agg = make();
    const { got, out } = collect();
    const apply = (id: string, amount: string, n: number) =>
      applyEntry(agg, 'orders', 'wr:orders', `${T + n}-0`, ['id', id, 'amount', amount], o, out);
    apply('o-1', '10.00', 0);
    apply('o-1', '10.00', 1); // a plain retry
    apply('o-1', '12.00', 2); // the same id, another amount
    expect(agg.totals()).toMatchObject({ orders: 1, gmvMinor: '1000', duplicates: 1 });
    expect(got.map((r) => r.code)).toEqual(['conflicting_retry']);
    expect(got[0]!.message).toContain('o-1');
  });
  it('gives a conflicting batch item its position and item for the letter', () => {
    const agg = make();
    const { got, out } = collect();
    applyEntry(agg, 'orders', 'wr:orders', `${T}-0`, ['id', 'b2', 'amount', '1.00'], o, out);
    applyEntry(
      agg,
      'orders',
      'wr:orders',
      `${T + 1}-0`,
      [
        'batch',
        JSON.stringify([
          { id: 'b1', amount: '1' },
          { id: 'b2', amount: '2' },
        ]),
      ],
      o,
      out,
    );
    expect(got).toMatchObject([{ code: 'conflicting_retry', index: 1, item: { id: 'b2', amount: '2' } }]);
    expect(agg.totals()).toMatchObject({ orders: 2, gmvMinor: '200' });
  });
  it('rejects an entry larger than maxEntryBytes whatever its fields, and applies nothing of it', () => {
    const agg = make();
    const { got, out } = collect();
    const fields = ['id', 'o-1', 'amount', '1.00', 'note', 'x'.repeat(2000)];
    applyEntry(agg, 'orders', 'wr:orders', `${T}-0`, fields, { ...o, maxEntryBytes: 1000 }, out);
    expect(got.map((r) => r.code)).toEqual(['entry_too_large']);
    expect(agg.totals().orders).toBe(0);
    expect(entryBytes(['é'.repeat(400)], 1000)).toBe(800); // bytes, not characters, near the limit
  });
});
