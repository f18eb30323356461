/**
 * Exact aggregation of validated events. Pure: no I/O, no clock (time comes in with the events and
 * through {@link Aggregator.advance}), so it can be tested with an injected clock and checkpointed
 * as plain data. One unit per stream of the stream table (server/streams.ts): a dedupe window and
 * the stream's part; this facade adds what the streams share (rejections, duplicates, outages) and
 * the reads screens, the API and health make.
 */
import { dictFrom } from '../../shared/dict';
import type {
  LogisticsEvent,
  Milestone,
  Order,
  ParcelsByStage,
  PaymentEvent,
  PaymentsByChannel,
  TrafficGauge,
  WeatherAlert,
} from '../../shared/domain';
import type { Detail, Rates, Totals } from '../../shared/wire';
import type { Drill, DrillDim } from '../../shared/api';
import { DEDUPE_STREAMS, STREAM_NAMES, STREAMS, tagged, type EventOf, type PartOf, type StateOf, type StreamName } from '../streams';
import { CHUNK_SECONDS, type PerSecondSeries, type SeriesChunk } from './series';
import { DedupeWindow, type DedupeJournal } from './dedupe';
import { OutageLog } from './outages';
import { withDefaults, type Admission, type AggregatorOptions, type PartOptions, type PartSink, type StreamPart } from './part';
import { StreamUnit, type SharedCounts } from './unit';
import { AGGREGATE_VERSION, type AggregateCheckpoint, type AggregateState, type DedupeBlobs } from './state';

export type { AggregatorOptions } from './part';
export type { AggregateCheckpoint, AggregateState, DedupeBlobs } from './state';

/** What became of an order (see {@link Admission}): a retry with another amount is rejected by the caller as `conflicting_retry`. */
export type OrderOutcome = Admission;

/** Rows of categories, channels and warehouses sent to screens (the rest as one `(other)` row). */
export const DETAIL_ROWS = 12;

type Unit<N extends StreamName> = StreamUnit<EventOf<N>, StateOf<N>, PartOf<N>>;
type Units = { [N in StreamName]: Unit<N> };

function makeUnit<N extends StreamName>(n: N, o: PartOptions, counts: SharedCounts): Unit<N> {
  const row = STREAMS[n];
  const ids = row.dedupe === null ? null : new DedupeWindow({ windowMs: o.dedupeWindowMs, maxIds: o.dedupeMaxIds, withTags: tagged(n) });
  return new StreamUnit(row.part(o), row.dedupe, ids, counts);
}

export class Aggregator {
  readonly #counts: SharedCounts = { duplicates: 0 };
  #rejected = 0;
  // A Map: reason codes are ours, but a plain object's `__proto__` is not a key (see shared/dict.ts).
  readonly #rejectedByReason = new Map<string, number>();
  readonly #units: Units;
  readonly series: PerSecondSeries;
  /** When reads failed (ingest writes it): the charts mark those seconds. */
  readonly outages = new OutageLog();

  constructor(options: AggregatorOptions) {
    const o = withDefaults(options);
    const units: Partial<Units> = {};
    for (const n of STREAM_NAMES) (units as Record<StreamName, unknown>)[n] = makeUnit(n, o, this.#counts);
    // Built from the table, one unit per name: the mapped type cannot follow a loop.
    this.#units = units as Units;
    this.series = this.#units.orders.part.series;
  }

  /** The unit ingest hands the events of stream `n` to. */
  sink<N extends StreamName>(n: N): PartSink<EventOf<N>> {
    return this.#units[n];
  }

  /** The part of stream `n`, for its reads. */
  part<N extends StreamName>(n: N): PartOf<N> & StreamPart<EventOf<N>, StateOf<N>> {
    return this.#units[n].part;
  }

  /** Moves time on to `nowMs` (the series reaches now, expired alerts go); every read after it is free of side effects. */
  advance(nowMs: number): void {
    for (const n of STREAM_NAMES) this.#units[n].part.advance?.(nowMs);
  }

  /**
   * Counts an order unless its id was already counted within the dedupe window.
   * @param entryMs the stream entry's time: the dedupe window runs on it
   */
  applyOrder(o: Order, entryMs: number): OrderOutcome {
    return this.#units.orders.apply(o, entryMs);
  }

  /** Counts a logistics event unless its id was already counted within the dedupe window. */
  applyLogistics(e: LogisticsEvent, entryMs: number): boolean {
    return this.#units.logistics.apply(e, entryMs) === 'counted';
  }

  /** Counts a payment attempt unless its id was already counted within the dedupe window. */
  applyPayment(p: PaymentEvent, entryMs: number): boolean {
    return this.#units.payments.apply(p, entryMs) === 'counted';
  }

  /** Online visitors: a gauge, the value with the newest event time wins. */
  applyTraffic(t: TrafficGauge): void {
    this.#units.traffic.apply(t, t.tsMs);
  }

  /** Weather alerts replace by id, so a retried XADD is harmless and needs no dedupe. */
  applyWeather(a: WeatherAlert): void {
    this.#units.weather.apply(a, a.tsMs);
  }

  /** Counts one dead-lettered entry (or batch item) by its reason code. */
  reject(code: string): void {
    this.#rejected++;
    this.#rejectedByReason.set(code, (this.#rejectedByReason.get(code) ?? 0) + 1);
  }

  #windows(): DedupeWindow[] {
    return DEDUPE_STREAMS.map((n) => this.#units[n].ids!);
  }

  /**
   * Takes a checkpoint: the state as data plus what changed since the previous one (series chunks,
   * id hashes). If saving it fails, hand it back with {@link checkpointFailed}.
   */
  checkpoint(): AggregateCheckpoint {
    const parts: AggregateState['parts'] = {};
    for (const n of STREAM_NAMES) (parts as Record<StreamName, unknown>)[n] = this.#units[n].part.state();
    const state: AggregateState = {
      version: AGGREGATE_VERSION,
      rejected: this.#rejected,
      rejectedByReason: dictFrom(this.#rejectedByReason),
      duplicates: this.#counts.duplicates,
      outages: this.outages.list(),
      dedupe: {},
      parts,
    };
    const journals: Partial<Record<StreamName, DedupeJournal>> = {};
    for (const n of DEDUPE_STREAMS) {
      state.dedupe[n] = this.#units[n].ids!.state();
      journals[n] = this.#units[n].ids!.takeJournal();
    }
    return { state, seriesChunks: this.series.takeDirtyChunks(), journals };
  }

  /** Puts back the changes of a checkpoint that was not saved, so the next one carries them. */
  checkpointFailed(cp: AggregateCheckpoint): void {
    this.series.markDirty(cp.seriesChunks.keys());
    for (const n of DEDUPE_STREAMS) {
      const j = cp.journals[n];
      if (j) this.#units[n].ids!.restoreJournal(j);
    }
  }

  /** The checkpoint's side data was lost with Redis: the next checkpoint saves everything again. */
  needFullSave(): void {
    this.series.markDirty(Array.from({ length: Math.ceil(this.series.orders.length / CHUNK_SECONDS) }, (_, i) => i));
    for (const w of this.#windows()) w.needFullSave();
  }

  /** Restores a fresh aggregator to a saved checkpoint (format 2: state-upgrade.ts brings older ones up to it). */
  restore(state: AggregateState, seriesChunks: Map<number, SeriesChunk>, blobs: DedupeBlobs): void {
    this.#rejected = state.rejected;
    // Saved objects come from JSON.parse: "__proto__" is an own key there, and Object.assign would
    // set it as a prototype. Copy key by key into Maps and known fields instead.
    for (const [code, n] of Object.entries(state.rejectedByReason)) if (Number.isSafeInteger(n)) this.#rejectedByReason.set(code, n);
    this.#counts.duplicates = state.duplicates;
    for (const n of STREAM_NAMES) this.#restorePart(n, state.parts[n]);
    const orders = state.parts.orders;
    if (orders !== undefined && orders.seriesStartMs === this.series.startMs) this.series.restore(orders.seriesLength, seriesChunks);
    for (const n of DEDUPE_STREAMS) {
      const d = state.dedupe[n];
      const b = blobs[n];
      if (d) this.#units[n].ids!.restore(d, b?.current ?? null, b?.previous ?? null, b?.currentTags ?? null, b?.previousTags ?? null);
    }
    this.outages.restore(state.outages);
  }

  #restorePart<N extends StreamName>(n: N, s: StateOf<N> | undefined): void {
    if (s !== undefined) this.part(n).restore(s);
  }

  get gmvMinor(): bigint {
    return this.part('orders').gmvMinor;
  }

  get orders(): number {
    return this.part('orders').orders;
  }

  /** Bumped whenever the alert list changes, so publishers send it only then. */
  get alertsVersion(): number {
    return this.part('weather').version;
  }

  /** Bumped whenever the milestone list changes. */
  get milestonesVersion(): number {
    return this.part('orders').milestones.version;
  }

  /** Dedupe health: ids held, and rotations forced early by the memory bound (the window was shortened). */
  dedupeStatus(): { ids: number; earlyRotations: number } {
    const ws = this.#windows();
    return { ids: ws.reduce((n, w) => n + w.size, 0), earlyRotations: ws.reduce((n, w) => n + w.earlyRotations, 0) };
  }

  totals(): Totals {
    return {
      gmvMinor: this.gmvMinor.toString(),
      orders: this.orders,
      rejected: this.#rejected,
      rejectedByReason: dictFrom(this.#rejectedByReason),
      duplicates: this.#counts.duplicates,
    };
  }

  rates(nowMs: number): Rates {
    const o = this.part('orders');
    return {
      last1s: o.rate(nowMs, 1),
      last10s: o.rate(nowMs, 10),
      last60s: o.rate(nowMs, 60),
      dispatched60s: this.part('logistics').dispatchedIn(nowMs, 60),
    };
  }

  /** One slice for drill-down (see {@link OrderDetail.drill}); null when the key was never seen. */
  drill(dim: DrillDim, key: string): Drill | null {
    return this.part('orders').detail.drill(dim, key);
  }

  /** Replaces the milestone thresholds (admin); a reason when refused (nothing changed), else null. */
  setMilestones(thresholds: readonly bigint[], lastYearMinor: bigint | null): string | null {
    return this.part('orders').setMilestones(thresholds, lastYearMinor);
  }

  /**
   * Breakdowns for screens. `limit` cuts categories, channels and warehouses to their top rows plus
   * one `(other)` row (regions are bounded already); without it every tracked row is listed.
   */
  detail(limit: number = DETAIL_ROWS): Detail {
    const d = this.part('orders').detail;
    return {
      regions: d.regions(),
      categories: d.categories(limit),
      channels: d.channels(limit),
      warehouses: this.part('logistics').warehouses(limit),
      flash: d.flash(),
    };
  }

  parcels(): ParcelsByStage {
    return this.part('logistics').parcels();
  }

  /** Per channel, as a prototype-free object (a channel may be named `__proto__`). */
  payments(): PaymentsByChannel {
    return this.part('payments').read();
  }

  traffic(): TrafficGauge | null {
    return this.part('traffic').read();
  }

  milestones(): Milestone[] {
    return this.part('orders').milestones.list();
  }

  /** Alerts in force at `nowMs`, newest first. Reads only: {@link advance} drops the expired ones. */
  activeAlerts(nowMs: number): WeatherAlert[] {
    return this.part('weather').active(nowMs);
  }
}
