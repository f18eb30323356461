/** The gateway's board of shard partials: newest wins, never backwards, stale shards named. */
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../../server/aggregate/aggregator';
import { partialOf, type ShardPartial } from '../../server/merge/partial';
import { ShardBoard } from '../../server/merge/board';

const T0 = 1_762_790_400_000;
const agg = (): Aggregator => new Aggregator({ seriesStartMs: T0 - 300_000, milestonesMinor: [], alertDefaultTtlMs: 60_000 });
const opts = { milestones: [], stock: new Map<string, number>(), nowMs: T0 + 5000 };

function partial(shard: number, epoch: string, seq: number, orders: number, atMs = T0 + 5000): ShardPartial {
  const a = agg();
  for (let i = 0; i < orders; i++) a.applyOrder({ id: `s${shard}-${i}`, amountMinor: 100, tsMs: T0, qty: 1 }, T0);
  return { ...partialOf(a, atMs, { shard, epoch, seq }), atMs };
}

describe('ShardBoard', () => {
  it('keeps the newest partial of each shard: a later seq, or a new epoch; never an older seq', () => {
    const b = new ShardBoard({ shards: 2, staleAfterMs: 2000 });
    expect(b.offer(partial(0, 'e1', 5, 3))).toBe(true);
    expect(b.offer(partial(0, 'e1', 4, 2))).toBe(false); // late arrival: ignored
    expect(b.offer(partial(0, 'e1', 5, 2))).toBe(false);
    expect(b.offer(partial(1, 'f1', 1, 4))).toBe(true);
    expect(b.view(opts).totals.orders).toBe(7);
    expect(b.offer(partial(0, 'e2', 1, 1))).toBe(true); // the shard started over under a new owner
    expect(b.view(opts).totals).toMatchObject({ orders: 5, gmvMinor: '500' });
  });

  it('names the shards it cannot vouch for: none seen yet, or the newest too old', () => {
    const b = new ShardBoard({ shards: 3, staleAfterMs: 2000 });
    b.offer(partial(0, 'e', 1, 1, T0 + 5000));
    b.offer(partial(2, 'e', 1, 1, T0 + 2000));
    expect(b.view(opts).stale).toEqual([1, 2]);
    expect(b.view(opts).totals.orders).toBe(2); // what is known, with the gap named beside it
    b.offer(partial(1, 'e', 1, 1, T0 + 4900));
    b.offer(partial(2, 'e', 2, 1, T0 + 4900));
    expect(b.view(opts).stale).toEqual([]);
  });

  it('refuses a partial for a shard outside the topology', () => {
    const b = new ShardBoard({ shards: 2, staleAfterMs: 2000 });
    expect(b.offer(partial(2, 'e', 1, 1))).toBe(false);
    expect(b.offer({ ...partial(0, 'e', 1, 1), shard: -1 })).toBe(false);
    expect(b.view(opts).stale).toEqual([0, 1]);
  });
});
