/**
 * The one owner of live state on the client. The connection feeds it snapshots and ticks;
 * widgets and pages only read it (as a {@link LiveView}). Counters never visibly run backwards
 * within an epoch.
 */
import type { EventInfo, Milestone, ParcelsByStage, PaymentsByChannel, TrafficGauge, WeatherAlert } from '../../shared/domain';
import type { Alarm, Banner, Detail, Outage, Rates, SeriesSlice, Snapshot, SourceStatus, Tick, Totals } from '../../shared/wire';

export type ConnectionState = 'connecting' | 'live' | 'stale' | 'offline';

/** What applying a tick did: `gap` means the caller must ask for a snapshot. */
export type TickResult = 'applied' | 'gap';

/**
 * The store as widgets and pages see it: no writers (those are the connection's). A page that
 * changes something through the API waits for the server's push (`banner` and `event` events, the
 * alarms in the next tick) like every other screen.
 */
export type LiveView = Omit<LiveStore, 'applySnapshot' | 'applyTick' | 'applyConnection' | 'applyBanner' | 'applyEvent'>;

/** Seconds of series kept on the client at most. */
export const MAX_SERIES_POINTS = 48 * 3600;

/**
 * Live state, private behind getters (runed's `#field = $state()` + getter pattern): only the
 * `apply*` methods below write it, and only the connection (connection.ts) calls them. Widgets and
 * pages get the store as a {@link LiveView}, which has no writers.
 *
 * The fields follow the wire's groups (shared/wire.ts): EveryMessage and JoinOnly fields are
 * replaced, the series is replaced from an index, WhenChanged lists are replaced when present.
 */
export class LiveStore {
  #event = $state.raw<EventInfo | null>(null);
  #totals = $state.raw<Totals | null>(null);
  #rates = $state.raw<Rates>({ last1s: 0, last10s: 0, last60s: 0, dispatched60s: 0 });
  #parcels = $state.raw<ParcelsByStage>({ picked: 0, packed: 0, dispatched: 0, delivered: 0 });
  #payments = $state.raw<PaymentsByChannel>({});
  #traffic = $state.raw<TrafficGauge | null>(null);
  #alerts = $state.raw<WeatherAlert[]>([]);
  #milestones = $state.raw<Milestone[]>([]);
  #alarms = $state.raw<Alarm[]>([]);
  #outages = $state.raw<Outage[]>([]);
  #source = $state.raw<SourceStatus>({ redis: 'down', staleSinceMs: null, lagMs: null, newestOrderEntryMs: null, ingestPerSec: 0 });
  #detail = $state.raw<Detail>({ regions: [], categories: [], channels: [], warehouses: [], flash: [] });
  #connection = $state<ConnectionState>('connecting');
  #lastServerMs = $state<number | null>(null);
  #seriesVersion = $state(0);
  #tickIntervalMs = $state(100);
  #banner = $state.raw<Banner | null>(null);
  #peakOrders = $state(0);
  #peakAtSec = $state<number | null>(null);
  #seriesStartMs = 0;
  // Not reactive: read beside the totals (which are), never watched by themselves.
  #epoch: string | null = null;
  #seq = -1;

  get event(): EventInfo | null {
    return this.#event;
  }
  get totals(): Totals | null {
    return this.#totals;
  }
  get rates(): Rates {
    return this.#rates;
  }
  get parcels(): ParcelsByStage {
    return this.#parcels;
  }
  get payments(): PaymentsByChannel {
    return this.#payments;
  }
  get traffic(): TrafficGauge | null {
    return this.#traffic;
  }
  get alerts(): WeatherAlert[] {
    return this.#alerts;
  }
  get milestones(): Milestone[] {
    return this.#milestones;
  }
  get alarms(): Alarm[] {
    return this.#alarms;
  }
  /** When the server could not read the streams (server time); the charts shade them. */
  get outages(): Outage[] {
    return this.#outages;
  }
  get source(): SourceStatus {
    return this.#source;
  }
  get detail(): Detail {
    return this.#detail;
  }
  get connection(): ConnectionState {
    return this.#connection;
  }
  /** Server time of the last message received, for "stale since". */
  get lastServerMs(): number | null {
    return this.#lastServerMs;
  }
  /** Bumped when the series arrays change (they are mutated in place, not reactive themselves). */
  get seriesVersion(): number {
    return this.#seriesVersion;
  }
  get tickIntervalMs(): number {
    return this.#tickIntervalMs;
  }
  /** The admin's takeover banner (shown until its `untilMs`, server time); null when there is none. */
  get banner(): Banner | null {
    return this.#banner;
  }
  /** Busiest second so far: orders in it and its start (seconds since the epoch). */
  get peakOrders(): number {
    return this.#peakOrders;
  }
  get peakAtSec(): number | null {
    return this.#peakAtSec;
  }
  get epoch(): string | null {
    return this.#epoch;
  }
  get seq(): number {
    return this.#seq;
  }

  /**
   * Per-second series, columnar: seconds since the epoch, orders, GMV in minor units. The arrays are
   * handed to uPlot as they are (no copy per frame) and grown in place by the store alone; read
   * them with `seriesVersion`.
   */
  readonly seriesX: number[] = [];
  readonly seriesOrders: number[] = [];
  readonly seriesGmv: number[] = [];
  /** Cumulative GMV (minor units, a float for drawing only) at the end of each second of the series. */
  readonly seriesCumGmv: number[] = [];

  /**
   * Whether the rates (orders/s, dispatch, ingest) describe the present. While the server cannot
   * read Redis, or this screen cannot hear the server, they would read 0 or an old value: screens
   * show "—" in the outage colour instead.
   */
  get ratesKnown(): boolean {
    return this.#ratesKnown;
  }
  #ratesKnown = $derived(this.#connection === 'live' && this.#source.redis === 'up' && this.#source.staleSinceMs === null);

  /** Exact GMV in minor units (BigInt), never below what was shown before in this epoch. */
  get gmvMinor(): bigint {
    return this.#gmvMinor;
  }
  #gmvMinor = $derived(this.#totals ? BigInt(this.#totals.gmvMinor) : 0n);

  /** The connection's verdict on whether the data is current (see connection.ts). */
  applyConnection(state: ConnectionState): void {
    if (this.#connection !== state) this.#connection = state;
  }

  applySnapshot(s: Snapshot): void {
    const sameEpoch = s.epoch === this.#epoch;
    this.#epoch = s.epoch;
    this.#seq = s.seq;
    this.#event = s.event;
    this.#tickIntervalMs = s.tickIntervalMs;
    this.#seriesStartMs = s.series.startMs;
    this.seriesX.length = this.seriesOrders.length = this.seriesGmv.length = this.seriesCumGmv.length = 0;
    this.#peakOrders = 0;
    this.#peakAtSec = null;
    this.#applySeries(s.series);
    this.#alerts = s.alerts;
    this.#milestones = s.milestones;
    this.#alarms = s.alarms;
    this.#outages = s.outages ?? [];
    this.#detail = s.detail;
    this.#banner = s.banner ?? null;
    this.#applyCommon(s, sameEpoch);
  }

  /** The admin set (or, with null, cleared) the takeover banner. */
  applyBanner(b: Banner | null): void {
    this.#banner = b;
  }

  /** The event's definition changed (T0 shifted, target or milestones edited). */
  applyEvent(e: EventInfo): void {
    this.#event = e;
  }

  /** Applies a tick if it follows the last message; otherwise reports a gap and changes nothing. */
  applyTick(t: Tick): TickResult {
    if (t.epoch !== this.#epoch || t.seq !== this.#seq + 1) return 'gap';
    this.#seq = t.seq;
    this.#applySeries(t.series);
    if (t.alerts) this.#alerts = t.alerts;
    if (t.milestones) this.#milestones = t.milestones;
    if (t.alarms) this.#alarms = t.alarms;
    if (t.outages) this.#outages = t.outages;
    if (t.detail) this.#detail = t.detail;
    this.#applyCommon(t, true);
    return 'applied';
  }

  #applyCommon(m: Snapshot | Tick, sameEpoch: boolean): void {
    const prev = this.#totals;
    const backwards = sameEpoch && prev !== null && (BigInt(m.totals.gmvMinor) < BigInt(prev.gmvMinor) || m.totals.orders < prev.orders);
    if (!backwards) this.#totals = m.totals;
    this.#rates = m.rates;
    this.#parcels = m.parcels;
    this.#payments = m.payments;
    this.#traffic = m.traffic;
    this.#source = m.source;
    this.#lastServerMs = m.serverNowMs;
  }

  #applySeries(s: SeriesSlice): void {
    if (s.startMs !== this.#seriesStartMs) return;
    let peak = this.#peakOrders;
    let peakAt = this.#peakAtSec;
    for (let i = 0; i < s.orders.length; i++) {
      const idx = s.from + i;
      if (idx >= MAX_SERIES_POINTS) break;
      while (this.seriesX.length <= idx) {
        this.seriesX.push((s.startMs + this.seriesX.length * 1000) / 1000);
        this.seriesOrders.push(0);
        this.seriesGmv.push(0);
        this.seriesCumGmv.push(0);
      }
      const n = s.orders[i]!;
      this.seriesOrders[idx] = n;
      this.seriesGmv[idx] = s.gmvMinor[i]!;
      // A bucket's count only grows within an epoch, so the running maximum stays exact.
      if (n > peak) {
        peak = n;
        peakAt = this.seriesX[idx]!;
      }
    }
    // Cumulative GMV from the first changed second on (ticks change only the last few).
    const cum = this.seriesCumGmv;
    for (let idx = Math.min(s.from, cum.length); idx < cum.length; idx++) cum[idx] = (idx > 0 ? cum[idx - 1]! : 0) + this.seriesGmv[idx]!;
    if (peak !== this.#peakOrders) this.#peakOrders = peak;
    if (peakAt !== this.#peakAtSec) this.#peakAtSec = peakAt;
    this.#seriesVersion++;
  }
}
