/**
 * A shard's partial state: what one shard owner publishes at tick cadence for the gateways to
 * merge (issue 11). Cumulative, never a delta, so a gateway that missed some keeps only the latest
 * of each shard and still merges exactly. Breakdowns carry every tracked row (not the screens' top
 * rows): a top-N cut before merging could drop a key that leads overall.
 */
import type { Aggregator } from '../aggregate/aggregator';
import type { ParcelsByStage, PaymentsByChannel, TrafficGauge, WeatherAlert } from '../../shared/domain';
import type { Detail, Outage, Rates, SeriesSlice, Totals } from '../../shared/wire';

export interface ShardPartial {
  shard: number;
  /** The shard's epoch and tick number: a gateway replaces a shard's partial only by a newer one. */
  epoch: string;
  seq: number;
  /** Server time the partial was taken; a gateway calls the shard stale when it is too old. */
  atMs: number;
  totals: Totals;
  rates: Rates;
  parcels: ParcelsByStage;
  payments: PaymentsByChannel;
  /** The visitors gauge (written to shard 0 only): null elsewhere. */
  traffic: TrafficGauge | null;
  alerts: WeatherAlert[];
  /** The whole per-second series (from index 0). */
  series: SeriesSlice;
  outages: Outage[];
  /** Every tracked row of every breakdown. */
  breakdowns: Detail;
}

/** The partial of one shard's aggregator at `nowMs` (after `advance(nowMs)`: reads only). */
export function partialOf(agg: Aggregator, nowMs: number, id: { shard: number; epoch: string; seq: number }): ShardPartial {
  agg.advance(nowMs);
  return {
    ...id,
    atMs: nowMs,
    totals: agg.totals(),
    rates: agg.rates(nowMs),
    parcels: agg.parcels(),
    payments: agg.payments(),
    traffic: agg.traffic(),
    alerts: agg.activeAlerts(nowMs),
    series: agg.series.all(),
    outages: agg.outages.list(),
    breakdowns: agg.detail(Infinity),
  };
}
