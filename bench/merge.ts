/**
 * Bench phase d: the gateway's merge cost per tick (issue 11 item 9b) for 1, 4, 16 and 64 shards,
 * on synthetic partials shaped like a busy night six hours in: a 6 h 5 min per-second series, 34
 * regions, 256 categories and channels, 64 warehouses, 20 flash SKUs, 8 payment channels in every
 * shard (the worst case: every key everywhere). In-process, no I/O: CPU time of `mergePartials`.
 */
import { mergePartials } from '../server/merge/merge';
import type { ShardPartial } from '../server/merge/partial';
import type { BreakdownRow } from '../shared/wire';

export interface MergeCost {
  shards: number;
  /** Median over the timed batches, µs per merge. */
  usPerMerge: number;
  seriesBuckets: number;
}

const T0 = Date.UTC(2026, 10, 10, 16);
const BUCKETS = (6 * 3600 + 300) | 0;

function rows(prefix: string, n: number, seed: number): BreakdownRow[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}${i}`,
    gmvMinor: String(1_000_000 + ((i * 7919 + seed) % 100_000)),
    orders: 100 + i,
  }));
}

function partial(shard: number): ShardPartial {
  const orders = Array.from({ length: BUCKETS }, (_, i) => (i * 13 + shard) % 900);
  return {
    shard,
    epoch: 'bench',
    seq: 1,
    atMs: T0 + BUCKETS * 1000,
    totals: { gmvMinor: '123456789012', orders: 5_000_000, rejected: 12, rejectedByReason: { bad_amount: 10, bad_id: 2 }, duplicates: 40 },
    rates: { last1s: 900, last10s: 9000, last60s: 54_000, dispatched60s: 300 },
    parcels: { picked: 10, packed: 9, dispatched: 8, delivered: 7 },
    payments: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`ch${i}`, { ok: 1000 + i, failed: i }])),
    traffic: shard === 0 ? { visitors: 123_456, tsMs: T0 } : null,
    alerts: [],
    series: { startMs: T0 - 300_000, from: 0, orders, gmvMinor: orders.map((o) => o * 18_000) },
    outages: [],
    breakdowns: {
      regions: rows('CN-', 34, shard),
      categories: rows('cat', 256, shard),
      channels: rows('chan', 256, shard),
      warehouses: Array.from({ length: 64 }, (_, i) => ({ key: `WH${i}`, picked: 100 + i, packed: 90, dispatched: 80, delivered: 70 })),
      flash: Array.from({ length: 20 }, (_, i) => ({ sku: `sku${i}`, sold: 10 + shard, soldOutAtMs: null })),
    },
  };
}

export function runMergeCost(counts: readonly number[] = [1, 4, 16, 64]): MergeCost[] {
  const milestones = [1, 2, 5, 10, 20, 50].map((m) => ({ thresholdMinor: String(BigInt(m) * 10n ** 10n), reachedAtMs: null }));
  const stock = new Map(Array.from({ length: 20 }, (_, i) => [`sku${i}`, 1_000_000] as [string, number]));
  return counts.map((shards) => {
    const partials = Array.from({ length: shards }, (_, i) => partial(i));
    const merge = (): unknown => mergePartials(partials, { milestones, stock, nowMs: T0 + BUCKETS * 1000 });
    for (let i = 0; i < 3; i++) merge(); // warm up
    const batches: number[] = [];
    const deadline = Date.now() + 2000;
    while (batches.length < 5 || (Date.now() < deadline && batches.length < 50)) {
      const t = process.hrtime.bigint();
      merge();
      batches.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    batches.sort((a, b) => a - b);
    return { shards, usPerMerge: batches[Math.floor(batches.length / 2)]!, seriesBuckets: BUCKETS };
  });
}
