import { describe, expect, it } from 'vitest';
import { alignTags, parseCheckpoint } from '../../server/checkpoint';
import { Aggregator } from '../../server/aggregate/aggregator';

const fresh = () => new Aggregator({ seriesStartMs: 0, milestonesMinor: [], alertDefaultTtlMs: 1000 });
const saved = (patch: Record<string, unknown> = {}, agg: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, epoch: 'e', savedAtMs: 1, cursors: { 'wr:orders': '1-0' }, aggregate: { ...fresh().checkpoint().state, ...agg }, ...patch });

describe('parseCheckpoint', () => {
  it('accepts what a fresh aggregator saves, through JSON (no -Infinity survives JSON)', () => {
    const cp = parseCheckpoint(saved());
    expect(cp.aggregate.dedupe.orders.startedMs).toBeNull();
    expect(cp.cursors).toEqual({ 'wr:orders': '1-0' });
  });
  it.each([
    ['not JSON', '{'],
    ['another version', saved({ version: 2 })],
    ['a bad cursor', saved({ cursors: { 'wr:orders': 'latest' } })],
    ['a float GMV', saved({}, { gmvMinor: '1.5' })],
    ['a missing count', saved({}, { orders: undefined })],
    ['a bad dedupe generation', saved({}, { dedupe: { orders: { gen: -1, previousGen: null, startedMs: null, earlyRotations: 0 }, logistics: { gen: 0, previousGen: null, startedMs: null, earlyRotations: 0 } } })],
  ])('rejects %s', (_what, text) => {
    expect(() => parseCheckpoint(text)).toThrow(/checkpoint/);
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
