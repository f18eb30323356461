/**
 * Sums of the shards' scalar figures: totals (GMV as BigInt, rejections by reason), rates,
 * parcels by stage, payments by channel, and the per-second series bucket by bucket. Integer sums
 * only, so the merge is exact and its order does not matter.
 */
import { dictFrom } from '../../shared/dict';
import { LOGISTICS_STAGES, type ParcelsByStage, type PaymentsByChannel } from '../../shared/domain';
import type { Rates, SeriesSlice, Totals } from '../../shared/wire';

export function sumTotals(all: readonly Totals[]): Totals {
  let gmv = 0n;
  const out: Totals = { gmvMinor: '0', orders: 0, rejected: 0, rejectedByReason: dictFrom([]), duplicates: 0 };
  for (const t of all) {
    gmv += BigInt(t.gmvMinor);
    out.orders += t.orders;
    out.rejected += t.rejected;
    out.duplicates += t.duplicates;
    for (const [reason, n] of Object.entries(t.rejectedByReason)) out.rejectedByReason[reason] = (out.rejectedByReason[reason] ?? 0) + n;
  }
  out.gmvMinor = gmv.toString();
  return out;
}

export function sumRates(all: readonly Rates[]): Rates {
  const out: Rates = { last1s: 0, last10s: 0, last60s: 0, dispatched60s: 0 };
  for (const r of all) {
    out.last1s += r.last1s;
    out.last10s += r.last10s;
    out.last60s += r.last60s;
    out.dispatched60s += r.dispatched60s;
  }
  return out;
}

export function sumParcels(all: readonly ParcelsByStage[]): ParcelsByStage {
  const out = { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
  for (const p of all) for (const s of LOGISTICS_STAGES) out[s] += p[s];
  return out;
}

export function sumPayments(all: readonly PaymentsByChannel[]): PaymentsByChannel {
  const out: PaymentsByChannel = dictFrom([]);
  for (const p of all) {
    for (const [channel, c] of Object.entries(p)) {
      const s = (out[channel] ??= { ok: 0, failed: 0 });
      s.ok += c.ok;
      s.failed += c.failed;
    }
  }
  return out;
}

/** The series summed bucket by bucket; every shard's series starts at the same second (T0 − 5 min). */
export function sumSeries(all: readonly SeriesSlice[]): SeriesSlice {
  const startMs = all[0]?.startMs ?? 0;
  const length = Math.max(0, ...all.map((s) => s.orders.length));
  // Typed accumulators: a sum over 64 shards × a day of seconds stays a tight loop. Per-second
  // counts and GMV are integers far below 2^53, so the float64 sums are exact.
  const orders = new Float64Array(length);
  const gmvMinor = new Float64Array(length);
  for (const s of all) {
    if (s.startMs !== startMs) throw new Error(`series start ${s.startMs} differs from ${startMs}: the shards run different events`);
    const o = s.orders;
    const g = s.gmvMinor;
    for (let i = 0; i < o.length; i++) {
      orders[i]! += o[i]!;
      gmvMinor[i]! += g[i]!;
    }
  }
  return { startMs, from: 0, orders: Array.from(orders), gmvMinor: Array.from(gmvMinor) };
}
