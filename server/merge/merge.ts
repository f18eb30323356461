/**
 * The gateway's merge (issue 11): the latest partial of every shard in, the figures one process
 * would show out — integer sums of totals, rates, parcels, payments, the per-second series and the
 * breakdowns; the union of alerts and outages; milestones found on the merged GMV. Pure: the
 * caller keeps the partials, their staleness and the sell-out times it first saw.
 */
import type { Milestone, TrafficGauge, WeatherAlert } from '../../shared/domain';
import type { Detail, Outage, Snapshot } from '../../shared/wire';
import type { ShardPartial } from './partial';
import { sumParcels, sumPayments, sumRates, sumSeries, sumTotals } from './figures';
import { mergeBreakdown, mergeFlash, mergeWarehouses } from './rows';
import { mergedMilestones } from './milestones';

export type MergedFigures = Pick<
  Snapshot,
  'totals' | 'rates' | 'parcels' | 'payments' | 'traffic' | 'alerts' | 'milestones' | 'series' | 'outages'
> & {
  /** Every tracked row, merged (what `/api/state.breakdowns` shows). */
  breakdowns: Detail;
};

export interface MergeOptions {
  /** The event's milestones (thresholds; their `reachedAtMs` is recomputed). */
  milestones: readonly Milestone[];
  /** Flash SKUs' stock, and when the caller first saw each sold out on the merged count. */
  stock: ReadonlyMap<string, number>;
  nowMs: number;
}

export function mergePartials(partials: readonly ShardPartial[], o: MergeOptions): MergedFigures {
  const totals = sumTotals(partials.map((p) => p.totals));
  const series = sumSeries(partials.map((p) => p.series));
  const b = partials.map((p) => p.breakdowns);
  return {
    totals,
    rates: sumRates(partials.map((p) => p.rates)),
    parcels: sumParcels(partials.map((p) => p.parcels)),
    payments: sumPayments(partials.map((p) => p.payments)),
    traffic: newest(partials.map((p) => p.traffic)),
    alerts: unionAlerts(partials.map((p) => p.alerts)),
    milestones: mergedMilestones(o.milestones, BigInt(totals.gmvMinor), series),
    series,
    outages: unionOutages(partials.map((p) => p.outages)),
    breakdowns: {
      regions: mergeBreakdown(b.map((d) => d.regions)),
      categories: mergeBreakdown(b.map((d) => d.categories)),
      channels: mergeBreakdown(b.map((d) => d.channels)),
      warehouses: mergeWarehouses(b.map((d) => d.warehouses)),
      flash: mergeFlash(
        b.map((d) => d.flash),
        o.stock,
        o.nowMs,
      ),
    },
  };
}

function newest(all: readonly (TrafficGauge | null)[]): TrafficGauge | null {
  let best: TrafficGauge | null = null;
  for (const t of all) if (t && (!best || t.tsMs > best.tsMs)) best = t;
  return best;
}

/** Alerts by id (an alert lives in one shard; a copy in two keeps the later), newest first as one process lists them. */
function unionAlerts(all: readonly (readonly WeatherAlert[])[]): WeatherAlert[] {
  const byId = new Map<string, WeatherAlert>();
  for (const list of all) for (const a of list) if ((byId.get(a.id)?.tsMs ?? -Infinity) < a.tsMs) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.tsMs - a.tsMs || (a.id < b.id ? -1 : 1));
}

/** Every shard's outages, by start: each shard saw its own reads fail. */
function unionOutages(all: readonly (readonly Outage[])[]): Outage[] {
  return all.flat().sort((a, b) => a.fromMs - b.fromMs);
}
