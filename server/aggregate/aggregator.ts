/**
 * Exact aggregation of validated events. Pure: no I/O, no clock (every method that needs the
 * time takes it), so it can be tested with an injected clock and checkpointed as plain data.
 */
import { MoneySum } from '../../shared/money';
import type { LogisticsEvent, Milestone, Order, ParcelsByStage, WeatherAlert } from '../../shared/domain';
import type { Rates, Totals } from '../../shared/wire';
import { RollingCounter } from './rolling';
import { CHUNK_SECONDS, PerSecondSeries, type SeriesChunk } from './series';
import { DedupeWindow, type DedupeJournal, type DedupeState } from './dedupe';

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
  dedupe: { orders: DedupeState; logistics: DedupeState };
}

export type DedupeStream = 'orders' | 'logistics';

/** One checkpoint's worth: the state, the series chunks that changed and the id hashes added. */
export interface AggregateCheckpoint {
  state: AggregateState;
  seriesChunks: Map<number, SeriesChunk>;
  journals: Record<DedupeStream, DedupeJournal>;
}

/** Saved id hashes of a window's two generations, as a checkpoint loader found them. */
export type DedupeBlobs = Record<DedupeStream, { current: Uint32Array | null; previous: Uint32Array | null }>;

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
}

const CLIP = 2 ** 52;

export class Aggregator {
  #gmv = new MoneySum();
  #orders = 0;
  #rejected = 0;
  #duplicates = 0;
  readonly #orderIds: DedupeWindow;
  readonly #logisticsIds: DedupeWindow;
  readonly #rejectedByReason: Record<string, number> = {};
  readonly #rolling = new RollingCounter(60);
  readonly series: PerSecondSeries;
  readonly #parcels: ParcelsByStage = { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
  readonly #alerts = new Map<string, WeatherAlert>();
  readonly #milestones: Milestone[];
  #nextMilestone = 0;
  /** Minor units left to the next milestone, clipped to 2^52 (re-checked exactly when it runs out). */
  #toNextMilestone = Infinity;
  /** Bumped whenever the alert list or the milestone list changes, so publishers send them only then. */
  alertsVersion = 0;
  milestonesVersion = 0;
  readonly #opts: Required<AggregatorOptions>;

  constructor(opts: AggregatorOptions) {
    this.#opts = { ...opts, maxAlerts: opts.maxAlerts ?? 200, dedupeWindowMs: opts.dedupeWindowMs ?? 15 * 60_000, dedupeMaxIds: opts.dedupeMaxIds ?? 20_000_000 };
    const dedupe = { windowMs: this.#opts.dedupeWindowMs, maxIds: this.#opts.dedupeMaxIds };
    this.#orderIds = new DedupeWindow(dedupe);
    this.#logisticsIds = new DedupeWindow(dedupe);
    this.series = new PerSecondSeries(opts.seriesStartMs);
    this.#milestones = opts.milestonesMinor.map((m) => ({ thresholdMinor: m.toString(), reachedAtMs: null }));
    this.#armMilestone();
  }

  /**
   * Counts an order unless its id was already counted within the dedupe window.
   * @param entryMs the stream entry's time: the dedupe window runs on it
   * @returns false for a duplicate (not counted)
   */
  applyOrder(o: Order, entryMs: number): boolean {
    if (!this.#orderIds.admit(o.id, entryMs)) {
      this.#duplicates++;
      return false;
    }
    this.#gmv.add(o.amountMinor);
    this.#orders++;
    this.#rolling.add(o.tsMs, 1);
    this.series.add(o.tsMs, 1, o.amountMinor);
    this.#toNextMilestone -= o.amountMinor;
    if (this.#toNextMilestone <= 0) this.#crossMilestones(o.tsMs);
    return true;
  }

  #armMilestone(): void {
    const next = this.#opts.milestonesMinor[this.#nextMilestone];
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
    while (this.#nextMilestone < this.#milestones.length && gmv >= this.#opts.milestonesMinor[this.#nextMilestone]!) {
      this.#milestones[this.#nextMilestone]!.reachedAtMs = tsMs;
      this.#nextMilestone++;
      changed = true;
    }
    if (changed) this.milestonesVersion++;
    this.#armMilestone();
  }

  /** Counts a logistics event unless its id was already counted within the dedupe window. */
  applyLogistics(e: LogisticsEvent, entryMs: number): boolean {
    if (!this.#logisticsIds.admit(e.id, entryMs)) {
      this.#duplicates++;
      return false;
    }
    this.#parcels[e.stage] += e.parcels;
    return true;
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
        dedupe: { orders: this.#orderIds.state(), logistics: this.#logisticsIds.state() },
      },
      seriesChunks: this.series.takeDirtyChunks(),
      journals: { orders: this.#orderIds.takeJournal(), logistics: this.#logisticsIds.takeJournal() },
    };
  }

  /** Puts back the changes of a checkpoint that was not saved, so the next one carries them. */
  checkpointFailed(cp: AggregateCheckpoint): void {
    this.series.markDirty(cp.seriesChunks.keys());
    this.#orderIds.restoreJournal(cp.journals.orders);
    this.#logisticsIds.restoreJournal(cp.journals.logistics);
  }

  /** The checkpoint's side data was lost with Redis: the next checkpoint saves everything again. */
  needFullSave(): void {
    this.series.markDirty(Array.from({ length: Math.ceil(this.series.orders.length / CHUNK_SECONDS) }, (_, i) => i));
    this.#orderIds.needFullSave();
    this.#logisticsIds.needFullSave();
  }

  /** Restores a fresh aggregator to a saved checkpoint. */
  restore(state: AggregateState, seriesChunks: Map<number, SeriesChunk>, blobs: DedupeBlobs): void {
    this.#gmv = new MoneySum(BigInt(state.gmvMinor));
    this.#orders = state.orders;
    this.#rejected = state.rejected;
    Object.assign(this.#rejectedByReason, state.rejectedByReason);
    this.#duplicates = state.duplicates;
    this.#rolling.restore(state.rolling);
    if (state.seriesStartMs === this.series.startMs) this.series.restore(state.seriesLength, seriesChunks);
    Object.assign(this.#parcels, state.parcels);
    for (const a of state.alerts) this.#alerts.set(a.id, a);
    // Milestones are matched by threshold: an event file edited since keeps what still applies.
    const reached = new Map(state.milestones.map((m) => [m.thresholdMinor, m.reachedAtMs]));
    for (const m of this.#milestones) m.reachedAtMs = reached.get(m.thresholdMinor) ?? null;
    this.#nextMilestone = this.#milestones.findIndex((m) => m.reachedAtMs === null);
    if (this.#nextMilestone < 0) this.#nextMilestone = this.#milestones.length;
    this.#armMilestone();
    this.#orderIds.restore(state.dedupe.orders, blobs.orders.current, blobs.orders.previous);
    this.#logisticsIds.restore(state.dedupe.logistics, blobs.logistics.current, blobs.logistics.previous);
    this.alertsVersion++;
    this.milestonesVersion++;
  }

  /** Counts one dead-lettered entry (or batch item) by its reason code. */
  reject(code: string): void {
    this.#rejected++;
    this.#rejectedByReason[code] = (this.#rejectedByReason[code] ?? 0) + 1;
  }

  get gmvMinor(): bigint {
    return this.#gmv.value;
  }

  get orders(): number {
    return this.#orders;
  }

  /** Dedupe health: ids held, and rotations forced early by the memory bound (the window was shortened). */
  dedupeStatus(): { ids: number; earlyRotations: number } {
    return { ids: this.#orderIds.size + this.#logisticsIds.size, earlyRotations: this.#orderIds.earlyRotations + this.#logisticsIds.earlyRotations };
  }

  totals(): Totals {
    return {
      gmvMinor: this.#gmv.value.toString(),
      orders: this.#orders,
      rejected: this.#rejected,
      rejectedByReason: { ...this.#rejectedByReason },
      duplicates: this.#duplicates,
    };
  }

  rates(nowMs: number): Rates {
    return {
      last1s: this.#rolling.sum(nowMs, 1),
      last10s: this.#rolling.sum(nowMs, 10),
      last60s: this.#rolling.sum(nowMs, 60),
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
