/**
 * Exact aggregation of validated events. Pure: no I/O, no clock (every method that needs the
 * time takes it), so it can be tested with an injected clock and checkpointed as plain data.
 */
import { MoneySum } from '../../shared/money';
import { dictFrom } from '../../shared/dict';
import { LOGISTICS_STAGES, type LogisticsEvent, type Milestone, type Order, type ParcelsByStage, type PaymentEvent, type PaymentsByChannel, type TrafficGauge, type WeatherAlert } from '../../shared/domain';
import type { Detail, FlashRow, Outage, Rates, Totals, WarehouseRow } from '../../shared/wire';
import { Breakdown, PairTable, WarehouseTable, type BreakdownState, type PairState } from './breakdown';
import type { Drill, DrillDim } from '../../shared/api';
import { RollingCounter } from './rolling';
import { CHUNK_SECONDS, PerSecondSeries, type SeriesChunk } from './series';
import { DedupeWindow, type DedupeJournal, type DedupeState } from './dedupe';
import { OutageLog } from './outages';
import { amountTag } from './id-hash';

/** Everything of the aggregate a checkpoint keeps as JSON (the id hashes and series go beside it). */
export interface AggregateState {
  version: 1;
  gmvMinor: string;
  orders: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  duplicates: number;
  rolling: { secs: number[]; counts: number[] };
  seriesStartMs: number;
  seriesLength: number;
  parcels: ParcelsByStage;
  alerts: WeatherAlert[];
  milestones: Milestone[];
  /** Absent in checkpoints written before payments were read. */
  payments?: PaymentsByChannel;
  traffic?: TrafficGauge | null;
  dedupe: { orders: DedupeState; logistics: DedupeState; payments?: DedupeState };
  /** Absent in checkpoints written before breakdowns were kept. */
  breakdowns?: { regions: BreakdownState; categories: BreakdownState; channels: BreakdownState; warehouses: WarehouseRow[] };
  flash?: FlashRow[];
  /** Region × category, region × channel, category × channel, for drill-down. */
  pairs?: { regionCategory: PairState; regionChannel: PairState; categoryChannel: PairState };
  dispatchRolling?: { secs: number[]; counts: number[] };
  /** Source outages that annotate the series; absent in checkpoints written before they were kept. */
  outages?: Outage[];
}

/** Streams whose ids are deduplicated (and whose id hashes checkpoints keep). */
export const DEDUPE_STREAMS = ['orders', 'logistics', 'payments'] as const;
export type DedupeStream = (typeof DEDUPE_STREAMS)[number];

/** One checkpoint's worth: the state, the series chunks that changed and the id hashes added. */
export interface AggregateCheckpoint {
  state: AggregateState;
  seriesChunks: Map<number, SeriesChunk>;
  journals: Record<DedupeStream, DedupeJournal>;
}

/** Saved id hashes of a window's two generations, and their tags where saved, as a checkpoint loader found them. */
export type DedupeBlobs = Partial<
  Record<DedupeStream, { current: Uint32Array | null; previous: Uint32Array | null; currentTags?: Uint32Array | null; previousTags?: Uint32Array | null }>
>;

/**
 * What became of an order: counted, a plain retry (same id and amount: counted in `duplicates`), or
 * a retry of a counted id with another amount (not counted here: the caller rejects it as
 * `conflicting_retry`, so it is recorded and shown).
 */
export type OrderOutcome = 'counted' | 'duplicate' | 'conflict';

/** Payment channels tracked one by one at most; later ones are counted under "other" (bounded memory). */
export const MAX_PAYMENT_CHANNELS = 32;
/** Regions tracked one by one at most (ISO 3166-2: 34 in China, 51 in the US). */
export const MAX_REGIONS = 64;
/** Categories, sales channels and warehouses tracked one by one at most. */
export const MAX_KEYS = 256;
/** Rows of categories, channels and warehouses sent to screens (the rest as one `(other)` row). */
export const DETAIL_ROWS = 12;
/** Values of each side of a drill-down pair tracked one by one at most. */
export const MAX_PAIR_KEYS = 64;

export interface AggregatorOptions {
  /** Start of the per-second series (T0 − 5 min). */
  seriesStartMs: number;
  /** Milestone thresholds in minor units, ascending. */
  milestonesMinor: readonly bigint[];
  /** Lifetime of an alert that has no `until`. */
  alertDefaultTtlMs: number;
  /** Active alerts kept at most; the oldest go first. @default 200 */
  maxAlerts?: number;
  /** An order or logistics id seen again within this much entry time counts once. @default 15 min */
  dedupeWindowMs?: number;
  /** Ids the dedupe window of each stream holds at most. @default 20,000,000 */
  dedupeMaxIds?: number;
  /** Flash-sale SKUs and their stock. @default none */
  flashSkus?: readonly { sku: string; stock: number }[];
  /** Which of `milestonesMinor` is last year's total, if any. */
  lastYearMinor?: bigint | null;
}

const CLIP = 2 ** 52;

export class Aggregator {
  #gmv = new MoneySum();
  #orders = 0;
  #rejected = 0;
  #duplicates = 0;
  readonly #ids: Record<DedupeStream, DedupeWindow>;
  // Keyed tallies are Maps: keys come from producers, and a plain object's `__proto__` or
  // `constructor` is not a key (see shared/dict.ts).
  readonly #payments = new Map<string, { ok: number; failed: number }>();
  #paymentChannels = 0;
  #traffic: TrafficGauge | null = null;
  readonly #rejectedByReason = new Map<string, number>();
  readonly #rolling = new RollingCounter(60);
  readonly series: PerSecondSeries;
  /** When reads failed (ingest writes it): the charts mark those seconds. */
  readonly outages = new OutageLog();
  readonly #parcels: ParcelsByStage = { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
  readonly #alerts = new Map<string, WeatherAlert>();
  readonly #milestones: Milestone[];
  #nextMilestone = 0;
  /** Minor units left to the next milestone, clipped to 2^52 (re-checked exactly when it runs out). */
  #toNextMilestone = Infinity;
  /** Bumped whenever the alert list or the milestone list changes, so publishers send them only then. */
  alertsVersion = 0;
  milestonesVersion = 0;
  readonly #regions = new Breakdown(MAX_REGIONS);
  readonly #categories = new Breakdown(MAX_KEYS);
  readonly #channels = new Breakdown(MAX_KEYS);
  readonly #warehouses = new WarehouseTable(MAX_KEYS);
  readonly #regionCategory = new PairTable(MAX_PAIR_KEYS);
  readonly #regionChannel = new PairTable(MAX_PAIR_KEYS);
  readonly #categoryChannel = new PairTable(MAX_PAIR_KEYS);
  /** Milestone thresholds, ascending (the admin may replace them). */
  #thresholds: bigint[];
  readonly #dispatched = new RollingCounter(60);
  /** Flash SKU → its row; sold counts by quantity. */
  readonly #flash = new Map<string, FlashRow & { stock: number }>();
  readonly #opts: Required<AggregatorOptions>;

  constructor(opts: AggregatorOptions) {
    this.#opts = {
      ...opts,
      maxAlerts: opts.maxAlerts ?? 200,
      dedupeWindowMs: opts.dedupeWindowMs ?? 15 * 60_000,
      dedupeMaxIds: opts.dedupeMaxIds ?? 20_000_000,
      flashSkus: opts.flashSkus ?? [],
      lastYearMinor: opts.lastYearMinor ?? null,
    };
    for (const f of this.#opts.flashSkus) this.#flash.set(f.sku, { sku: f.sku, sold: 0, soldOutAtMs: null, stock: f.stock });
    const dedupe = { windowMs: this.#opts.dedupeWindowMs, maxIds: this.#opts.dedupeMaxIds };
    this.#ids = { orders: new DedupeWindow({ ...dedupe, withTags: true }), logistics: new DedupeWindow(dedupe), payments: new DedupeWindow(dedupe) };
    this.series = new PerSecondSeries(opts.seriesStartMs);
    this.#thresholds = [...opts.milestonesMinor];
    this.#milestones = opts.milestonesMinor.map((m) => ({ thresholdMinor: m.toString(), reachedAtMs: null, ...(m === opts.lastYearMinor ? { kind: 'lastYear' as const } : {}) }));
    this.#armMilestone();
  }

  /**
   * Counts an order unless its id was already counted within the dedupe window.
   * @param entryMs the stream entry's time: the dedupe window runs on it
   */
  applyOrder(o: Order, entryMs: number): OrderOutcome {
    const seen = this.#ids.orders.admitTagged(o.id, entryMs, amountTag(o.amountMinor));
    if (seen !== 'new') {
      if (seen === 'duplicate') this.#duplicates++;
      return seen;
    }
    this.#gmv.add(o.amountMinor);
    this.#orders++;
    this.#rolling.add(o.tsMs, 1);
    this.series.add(o.tsMs, 1, o.amountMinor);
    this.#regions.add(o.region, o.amountMinor);
    this.#categories.add(o.category, o.amountMinor);
    this.#channels.add(o.channel, o.amountMinor);
    this.#regionCategory.add(o.region, o.category, o.amountMinor);
    this.#regionChannel.add(o.region, o.channel, o.amountMinor);
    this.#categoryChannel.add(o.category, o.channel, o.amountMinor);
    if (o.sku !== undefined && this.#flash.size > 0) this.#sellFlash(o);
    this.#toNextMilestone -= o.amountMinor;
    if (this.#toNextMilestone <= 0) this.#crossMilestones(o.tsMs);
    return 'counted';
  }

  #sellFlash(o: Order): void {
    const f = this.#flash.get(o.sku!);
    if (f === undefined) return;
    f.sold += o.qty;
    if (f.soldOutAtMs === null && f.sold >= f.stock) f.soldOutAtMs = o.tsMs;
  }

  #armMilestone(): void {
    const next = this.#thresholds[this.#nextMilestone];
    if (next === undefined) {
      this.#toNextMilestone = Infinity;
      return;
    }
    const left = next - this.#gmv.value;
    this.#toNextMilestone = left > BigInt(CLIP) ? CLIP : Number(left);
  }

  #crossMilestones(tsMs: number): void {
    const gmv = this.#gmv.value;
    let changed = false;
    while (this.#nextMilestone < this.#milestones.length && gmv >= this.#thresholds[this.#nextMilestone]!) {
      this.#milestones[this.#nextMilestone]!.reachedAtMs = tsMs;
      this.#nextMilestone++;
      changed = true;
    }
    if (changed) this.milestonesVersion++;
    this.#armMilestone();
  }

  /** Counts a logistics event unless its id was already counted within the dedupe window. */
  applyLogistics(e: LogisticsEvent, entryMs: number): boolean {
    if (!this.#ids.logistics.admit(e.id, entryMs)) {
      this.#duplicates++;
      return false;
    }
    this.#parcels[e.stage] += e.parcels;
    this.#warehouses.add(e.warehouse, e.stage, e.parcels);
    if (e.stage === 'dispatched') this.#dispatched.add(e.tsMs, e.parcels);
    return true;
  }

  /** Counts a payment attempt unless its id was already counted within the dedupe window. */
  applyPayment(p: PaymentEvent, entryMs: number): boolean {
    if (!this.#ids.payments.admit(p.id, entryMs)) {
      this.#duplicates++;
      return false;
    }
    let c = this.#payments.get(p.channel);
    if (c === undefined) {
      const key = this.#paymentChannels < MAX_PAYMENT_CHANNELS ? p.channel : 'other';
      c = this.#payments.get(key);
      if (c === undefined) this.#payments.set(key, (c = { ok: 0, failed: 0 }));
      if (key !== 'other') this.#paymentChannels++;
    }
    if (p.ok) c.ok++;
    else c.failed++;
    return true;
  }

  /** Online visitors: a gauge, the value with the newest event time wins. */
  applyTraffic(t: TrafficGauge): void {
    if (this.#traffic === null || t.tsMs >= this.#traffic.tsMs) this.#traffic = t;
  }

  /** Per channel, as a prototype-free object (a channel may be named `__proto__`). */
  payments(): PaymentsByChannel {
    return dictFrom([...this.#payments].map(([k, v]) => [k, { ok: v.ok, failed: v.failed }] as const));
  }

  traffic(): TrafficGauge | null {
    return this.#traffic;
  }

  /** Weather alerts replace by id, so a retried XADD is harmless and needs no dedupe. */

  applyWeather(a: WeatherAlert): void {
    this.#alerts.delete(a.id);
    this.#alerts.set(a.id, a);
    if (this.#alerts.size > this.#opts.maxAlerts) {
      const oldest = this.#alerts.keys().next().value;
      if (oldest !== undefined) this.#alerts.delete(oldest);
    }
    this.alertsVersion++;
  }

  /**
   * Takes a checkpoint: the state as data plus what changed since the previous one (series chunks,
   * id hashes). If saving it fails, hand it back with {@link checkpointFailed}.
   */
  checkpoint(): AggregateCheckpoint {
    return {
      state: {
        version: 1,
        ...this.totals(),
        rolling: this.#rolling.state(),
        seriesStartMs: this.series.startMs,
        seriesLength: this.series.orders.length,
        parcels: this.parcels(),
        alerts: [...this.#alerts.values()],
        milestones: this.milestones(),
        payments: this.payments(),
        traffic: this.#traffic,
        dedupe: { orders: this.#ids.orders.state(), logistics: this.#ids.logistics.state(), payments: this.#ids.payments.state() },
        breakdowns: {
          regions: this.#regions.state(),
          categories: this.#categories.state(),
          channels: this.#channels.state(),
          warehouses: this.#warehouses.state(),
        },
        flash: this.#flashRows(),
        pairs: { regionCategory: this.#regionCategory.state(), regionChannel: this.#regionChannel.state(), categoryChannel: this.#categoryChannel.state() },
        dispatchRolling: this.#dispatched.state(),
        outages: this.outages.list(),
      },
      seriesChunks: this.series.takeDirtyChunks(),
      journals: { orders: this.#ids.orders.takeJournal(), logistics: this.#ids.logistics.takeJournal(), payments: this.#ids.payments.takeJournal() },
    };
  }

  /** Puts back the changes of a checkpoint that was not saved, so the next one carries them. */
  checkpointFailed(cp: AggregateCheckpoint): void {
    this.series.markDirty(cp.seriesChunks.keys());
    for (const s of DEDUPE_STREAMS) this.#ids[s].restoreJournal(cp.journals[s]);
  }

  /** The checkpoint's side data was lost with Redis: the next checkpoint saves everything again. */
  needFullSave(): void {
    this.series.markDirty(Array.from({ length: Math.ceil(this.series.orders.length / CHUNK_SECONDS) }, (_, i) => i));
    for (const s of DEDUPE_STREAMS) this.#ids[s].needFullSave();
  }

  /** Restores a fresh aggregator to a saved checkpoint. */
  restore(state: AggregateState, seriesChunks: Map<number, SeriesChunk>, blobs: DedupeBlobs): void {
    this.#gmv = new MoneySum(BigInt(state.gmvMinor));
    this.#orders = state.orders;
    this.#rejected = state.rejected;
    // Saved objects come from JSON.parse: "__proto__" is an own key there, and Object.assign would
    // set it as a prototype. Copy key by key into Maps and known fields instead.
    for (const [code, n] of Object.entries(state.rejectedByReason)) if (Number.isSafeInteger(n)) this.#rejectedByReason.set(code, n);
    this.#duplicates = state.duplicates;
    this.#rolling.restore(state.rolling);
    if (state.seriesStartMs === this.series.startMs) this.series.restore(state.seriesLength, seriesChunks);
    for (const s of LOGISTICS_STAGES) if (Number.isSafeInteger(state.parcels[s])) this.#parcels[s] = state.parcels[s];
    for (const a of state.alerts) this.#alerts.set(a.id, a);
    // Milestones are matched by threshold: an event file edited since keeps what still applies.
    const reached = new Map(state.milestones.map((m) => [m.thresholdMinor, m.reachedAtMs]));
    for (const m of this.#milestones) m.reachedAtMs = reached.get(m.thresholdMinor) ?? null;
    this.#nextMilestone = this.#milestones.findIndex((m) => m.reachedAtMs === null);
    if (this.#nextMilestone < 0) this.#nextMilestone = this.#milestones.length;
    this.#armMilestone();
    for (const s of DEDUPE_STREAMS) {
      const d = state.dedupe[s];
      const b = blobs[s];
      if (d) this.#ids[s].restore(d, b?.current ?? null, b?.previous ?? null, b?.currentTags ?? null, b?.previousTags ?? null);
    }
    for (const [k, v] of Object.entries(state.payments ?? {})) {
      this.#payments.set(k, { ok: v.ok, failed: v.failed });
      if (k !== 'other') this.#paymentChannels++;
    }
    this.#traffic = state.traffic ?? null;
    if (state.breakdowns) {
      this.#regions.restore(state.breakdowns.regions);
      this.#categories.restore(state.breakdowns.categories);
      this.#channels.restore(state.breakdowns.channels);
      this.#warehouses.restore(state.breakdowns.warehouses);
    }
    for (const f of state.flash ?? []) {
      const mine = this.#flash.get(f.sku);
      if (mine) {
        mine.sold = f.sold;
        mine.soldOutAtMs = f.soldOutAtMs;
      }
    }
    if (state.dispatchRolling) this.#dispatched.restore(state.dispatchRolling);
    this.outages.restore(state.outages);
    if (state.pairs) {
      this.#regionCategory.restore(state.pairs.regionCategory);
      this.#regionChannel.restore(state.pairs.regionChannel);
      this.#categoryChannel.restore(state.pairs.categoryChannel);
    }
    this.alertsVersion++;
    this.milestonesVersion++;
  }

  /** Counts one dead-lettered entry (or batch item) by its reason code. */
  reject(code: string): void {
    this.#rejected++;
    this.#rejectedByReason.set(code, (this.#rejectedByReason.get(code) ?? 0) + 1);
  }

  get gmvMinor(): bigint {
    return this.#gmv.value;
  }

  get orders(): number {
    return this.#orders;
  }

  /** Dedupe health: ids held, and rotations forced early by the memory bound (the window was shortened). */
  dedupeStatus(): { ids: number; earlyRotations: number } {
    const ws = Object.values(this.#ids);
    return { ids: ws.reduce((n, w) => n + w.size, 0), earlyRotations: ws.reduce((n, w) => n + w.earlyRotations, 0) };
  }

  totals(): Totals {
    return {
      gmvMinor: this.#gmv.value.toString(),
      orders: this.#orders,
      rejected: this.#rejected,
      rejectedByReason: dictFrom(this.#rejectedByReason),
      duplicates: this.#duplicates,
    };
  }

  rates(nowMs: number): Rates {
    return {
      last1s: this.#rolling.sum(nowMs, 1),
      last10s: this.#rolling.sum(nowMs, 10),
      last60s: this.#rolling.sum(nowMs, 60),
      dispatched60s: this.#dispatched.sum(nowMs, 60),
    };
  }

  /**
   * One slice for drill-down: the totals of one region, category or channel and the other two
   * dimensions within it. Null when the key was never seen.
   */
  drill(dim: DrillDim, key: string): Drill | null {
    const own = (dim === 'region' ? this.#regions : dim === 'category' ? this.#categories : this.#channels).rows().find((r) => r.key === key);
    if (!own) return null;
    const d: Drill = { dim, key, gmvMinor: own.gmvMinor, orders: own.orders };
    if (dim === 'region') {
      d.categories = this.#regionCategory.withinA(key);
      d.channels = this.#regionChannel.withinA(key);
    } else if (dim === 'category') {
      d.regions = this.#regionCategory.withinB(key);
      d.channels = this.#categoryChannel.withinA(key);
    } else {
      d.regions = this.#regionChannel.withinB(key);
      d.categories = this.#categoryChannel.withinB(key);
    }
    return d;
  }

  /**
   * Replaces the milestone thresholds (admin). Thresholds already reached keep their time; a new
   * threshold the GMV has already passed is refused, since the crossing order is no longer known.
   * @returns a reason when refused (nothing changed), else null
   */
  setMilestones(thresholds: readonly bigint[], lastYearMinor: bigint | null): string | null {
    const reached = new Map(this.#milestones.map((m) => [m.thresholdMinor, m.reachedAtMs]));
    const gmv = this.#gmv.value;
    for (let i = 0; i < thresholds.length; i++) {
      if (i > 0 && thresholds[i]! <= thresholds[i - 1]!) return `milestones[${i}] must be greater than the one before`;
      const t = thresholds[i]!;
      if ((reached.get(t.toString()) ?? null) === null && gmv >= t) return `milestones[${i}] is already below the GMV counted (${gmv}); its crossing time is unknown`;
    }
    this.#thresholds = [...thresholds];
    this.#milestones.length = 0;
    for (const t of thresholds) {
      this.#milestones.push({ thresholdMinor: t.toString(), reachedAtMs: reached.get(t.toString()) ?? null, ...(t === lastYearMinor ? { kind: 'lastYear' as const } : {}) });
    }
    this.#nextMilestone = this.#milestones.findIndex((m) => m.reachedAtMs === null);
    if (this.#nextMilestone < 0) this.#nextMilestone = this.#milestones.length;
    this.#armMilestone();
    this.milestonesVersion++;
    return null;
  }

  #flashRows(): FlashRow[] {
    return [...this.#flash.values()].map((f) => ({ sku: f.sku, sold: f.sold, soldOutAtMs: f.soldOutAtMs }));
  }

  /**
   * Breakdowns for screens. `limit` cuts categories, channels and warehouses to their top rows plus
   * one `(other)` row (regions are bounded already); without it every tracked row is listed.
   */
  detail(limit: number = DETAIL_ROWS): Detail {
    return {
      regions: this.#regions.rows(),
      categories: this.#categories.rows(limit),
      channels: this.#channels.rows(limit),
      warehouses: this.#warehouses.rows(limit),
      flash: this.#flashRows(),
    };
  }

  parcels(): ParcelsByStage {
    return { ...this.#parcels };
  }

  milestones(): Milestone[] {
    return this.#milestones.map((m) => ({ ...m }));
  }

  /** Alerts still in force at `nowMs`, newest first; expired ones are dropped. */
  activeAlerts(nowMs: number): WeatherAlert[] {
    let expired = false;
    for (const [id, a] of this.#alerts) {
      if ((a.untilMs ?? a.tsMs + this.#opts.alertDefaultTtlMs) <= nowMs) {
        this.#alerts.delete(id);
        expired = true;
      }
    }
    if (expired) this.alertsVersion++;
    return [...this.#alerts.values()].sort((x, y) => y.tsMs - x.tsMs);
  }
}
