/**
 * GMV milestones of the orders part: which thresholds the GMV has crossed and when (the event time
 * of the order that crossed it). The hot path costs one subtraction per order: the minor units left
 * to the next threshold are kept as a number, clipped to 2^52 and re-checked exactly (BigInt) only
 * when they run out.
 */
import type { Milestone } from '../../../shared/domain';

const CLIP = 2 ** 52;

export class Milestones {
  readonly #list: Milestone[];
  /** Ascending; the admin may replace them. */
  #thresholds: bigint[];
  #next = 0;
  /** Minor units left to the next milestone, clipped to 2^52 (re-checked exactly when it runs out). */
  #toNext = Infinity;
  /** Bumped whenever the list changes, so publishers send it only then. */
  version = 0;

  constructor(thresholds: readonly bigint[], lastYearMinor: bigint | null) {
    this.#thresholds = [...thresholds];
    this.#list = thresholds.map((m) => ({
      thresholdMinor: m.toString(),
      reachedAtMs: null,
      ...(m === lastYearMinor ? { kind: 'lastYear' as const } : {}),
    }));
    this.#arm(0n);
  }

  /** An order of `amountMinor` counted at `tsMs`; `gmv` reads the GMV including it. */
  sale(amountMinor: number, tsMs: number, gmv: () => bigint): void {
    this.#toNext -= amountMinor;
    if (this.#toNext <= 0) this.#cross(gmv(), tsMs);
  }

  #arm(gmv: bigint): void {
    const next = this.#thresholds[this.#next];
    if (next === undefined) {
      this.#toNext = Infinity;
      return;
    }
    const left = next - gmv;
    this.#toNext = left > BigInt(CLIP) ? CLIP : Number(left);
  }

  #cross(gmv: bigint, tsMs: number): void {
    let changed = false;
    while (this.#next < this.#list.length && gmv >= this.#thresholds[this.#next]!) {
      this.#list[this.#next]!.reachedAtMs = tsMs;
      this.#next++;
      changed = true;
    }
    if (changed) this.version++;
    this.#arm(gmv);
  }

  #findNext(gmv: bigint): void {
    this.#next = this.#list.findIndex((m) => m.reachedAtMs === null);
    if (this.#next < 0) this.#next = this.#list.length;
    this.#arm(gmv);
  }

  /** Restores the times saved; milestones are matched by threshold, so an event file edited since keeps what still applies. */
  restore(saved: readonly Milestone[], gmv: bigint): void {
    const reached = new Map(saved.map((m) => [m.thresholdMinor, m.reachedAtMs]));
    for (const m of this.#list) m.reachedAtMs = reached.get(m.thresholdMinor) ?? null;
    this.#findNext(gmv);
    this.version++;
  }

  /**
   * Replaces the thresholds (admin). Thresholds already reached keep their time; a new threshold
   * the GMV has already passed is refused, since the crossing order is no longer known.
   * @returns a reason when refused (nothing changed), else null
   */
  replace(thresholds: readonly bigint[], lastYearMinor: bigint | null, gmv: bigint): string | null {
    const reached = new Map(this.#list.map((m) => [m.thresholdMinor, m.reachedAtMs]));
    for (let i = 0; i < thresholds.length; i++) {
      if (i > 0 && thresholds[i]! <= thresholds[i - 1]!) return `milestones[${i}] must be greater than the one before`;
      const t = thresholds[i]!;
      if ((reached.get(t.toString()) ?? null) === null && gmv >= t)
        return `milestones[${i}] is already below the GMV counted (${gmv}); its crossing time is unknown`;
    }
    this.#thresholds = [...thresholds];
    this.#list.length = 0;
    for (const t of thresholds) {
      this.#list.push({
        thresholdMinor: t.toString(),
        reachedAtMs: reached.get(t.toString()) ?? null,
        ...(t === lastYearMinor ? { kind: 'lastYear' as const } : {}),
      });
    }
    this.#findNext(gmv);
    this.version++;
    return null;
  }

  list(): Milestone[] {
    return this.#list.map((m) => ({ ...m }));
  }
}
