import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareEntryIds, parseEntryId } from '../../server/entry-id';

describe('entry IDs', () => {
  it('parses time and sequence; an ID without a sequence has sequence 0', () => {
    expect(parseEntryId('1700000000000-42')).toEqual([1700000000000, 42]);
    expect(parseEntryId('1700000000000')).toEqual([1700000000000, 0]);
    expect(parseEntryId('0')).toEqual([0, 0]);
    expect(parseEntryId('0-1')).toEqual([0, 1]);
  });

  it.each<[string, string, number]>([
    ['1-1', '1-1', 0],
    ['1-1', '1-2', -1],
    ['1-10', '1-9', 1], // numerically, not as text
    ['9-0', '10-0', -1],
    ['2-0', '1-99', 1],
    ['5', '5-0', 0],
    ['0', '0-1', -1],
  ])('compares %s with %s as Redis orders them: %i', (a, b, want) => {
    expect(compareEntryIds(a, b)).toBe(want);
    expect(compareEntryIds(b, a)).toBe(-want || 0);
    expect(compareEntryIds(parseEntryId(a), b)).toBe(want);
  });

  it('orders any two IDs as their (ms, seq) pairs, antisymmetric', () => {
    const id = fc.tuple(fc.integer({ min: 0, max: 2 ** 45 }), fc.integer({ min: 0, max: 2 ** 31 }));
    fc.assert(
      fc.property(id, id, ([am, as], [bm, bs]) => {
        const want = am !== bm ? Math.sign(am - bm) : Math.sign(as - bs);
        expect(compareEntryIds(`${am}-${as}`, `${bm}-${bs}`)).toBe(want);
        expect(compareEntryIds(`${bm}-${bs}`, `${am}-${as}`)).toBe(-want || 0);
      }),
    );
  });
});
