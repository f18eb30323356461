/**
 * Exact aggregation of validated events. Pure: no I/O, no clock (every method that needs the
 * time takes it), so it can be tested with an injected clock and checkpointed as plain data.
 */
import { MoneySum } from '../../shared/money';
import type { LogisticsEvent, Milestone, Order, ParcelsByStage, WeatherAlert } from '../../shared/domain';
import type { Rates, Totals } from '../../shared/wire';
import { RollingCounter } from './rolling';
import { PerSecondSeries } from './series';
import { DedupeWindow } from './dedupe';

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
  readonly #gmv = new MoneySum();
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
