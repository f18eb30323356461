/**
 * Merging the rows of several shards' breakdowns: sums by key (GMV as BigInt), then the same
 * order and cut as one process gives the screens (the aggregate's own tables do it: top rows plus
 * one `(other)` row, so every list still sums to the totals). Exact for every key each shard
 * tracks by itself; a key that one shard had to fold into `(other)` (past its bound of tracked
 * keys) stays partly there.
 */
import { LOGISTICS_STAGES } from '../../shared/domain';
import type { BreakdownRow, FlashRow, WarehouseRow } from '../../shared/wire';
import { Breakdown, WarehouseTable, type BreakdownState } from '../aggregate/breakdown';

/** Rows summed by key, largest GMV first; with `limit`, the rest folded into `(other)`. */
export function mergeBreakdown(lists: readonly (readonly BreakdownRow[])[], limit = Infinity): BreakdownRow[] {
  const sums = new Map<string, [gmv: bigint, orders: number]>();
  for (const rows of lists) {
    for (const r of rows) {
      const s = sums.get(r.key);
      if (s) {
        s[0] += BigInt(r.gmvMinor);
        s[1] += r.orders;
      } else sums.set(r.key, [BigInt(r.gmvMinor), r.orders]);
    }
  }
  const table = new Breakdown(Infinity);
  table.restore([...sums].map(([k, [gmv, orders]]): BreakdownState[number] => [k, gmv.toString(), orders]));
  return table.rows(limit);
}

/** Warehouses summed by key and stage, in the screens' order (largest backlog first). */
export function mergeWarehouses(lists: readonly (readonly WarehouseRow[])[], limit = Infinity): WarehouseRow[] {
  const sums = new Map<string, WarehouseRow>();
  for (const rows of lists) {
    for (const r of rows) {
      const s = sums.get(r.key) ?? { key: r.key, picked: 0, packed: 0, dispatched: 0, delivered: 0 };
      for (const st of LOGISTICS_STAGES) s[st] += r[st];
      sums.set(r.key, s);
    }
  }
  const table = new WarehouseTable(Infinity);
  table.restore([...sums.values()]);
  return table.rows(limit);
}

/**
 * Flash SKUs: units sold summed. When the stock ran out on the merged count cannot be known
 * exactly (it needs every shard's orders in time order): it is the earliest sell-out a shard saw
 * by itself (the sum reached the stock no later than that), else `firstSeenMs`, the time the
 * caller first saw the sum reach the stock. Both are upper bounds, documented as such.
 */
export function mergeFlash(lists: readonly (readonly FlashRow[])[], stock: ReadonlyMap<string, number>, firstSeenMs: number): FlashRow[] {
  const sums = new Map<string, FlashRow>();
  for (const rows of lists) {
    for (const r of rows) {
      const s = sums.get(r.sku) ?? { sku: r.sku, sold: 0, soldOutAtMs: null };
      s.sold += r.sold;
      if (r.soldOutAtMs !== null) s.soldOutAtMs = Math.min(s.soldOutAtMs ?? Infinity, r.soldOutAtMs);
      sums.set(r.sku, s);
    }
  }
  for (const s of sums.values()) {
    const limit = stock.get(s.sku);
    if (limit === undefined || s.sold < limit) s.soldOutAtMs = null;
    else s.soldOutAtMs ??= firstSeenMs;
  }
  return [...sums.values()];
}
