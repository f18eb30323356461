/**
 * Per-second buckets since a fixed start (T0 − 5 min): orders and GMV in minor units.
 * Buckets are plain numbers for charting; GMV per bucket is exact while a single second stays
 * below 2^53 minor units (9e13 CNY), which no real second approaches. Totals never come from here.
 */
import type { SeriesSlice } from '../../shared/wire';

export class PerSecondSeries {
  readonly startMs: number;
  readonly maxBuckets: number;
  readonly orders: number[] = [];
  readonly gmvMinor: number[] = [];
  /** Lowest bucket index changed since the last {@link takeChanges}; Infinity when none. */
  #dirtyFrom = Infinity;

  /** @param maxBuckets buckets kept at most (default 48 h); later events are left out of the series */
  constructor(startMs: number, maxBuckets = 48 * 3600) {
    this.startMs = startMs;
    this.maxBuckets = maxBuckets;
  }

  add(tsMs: number, orders: number, gmvMinor: number): void {
    const idx = Math.floor((tsMs - this.startMs) / 1000);
    if (idx < 0 || idx >= this.maxBuckets) return;
    this.#grow(idx + 1);
    this.orders[idx]! += orders;
    this.gmvMinor[idx]! += gmvMinor;
    if (idx < this.#dirtyFrom) this.#dirtyFrom = idx;
  }

  /** Extends the series with empty buckets up to the second before `nowMs`, so quiet seconds show as zero. */
  extendTo(nowMs: number): void {
    const idx = Math.min(this.maxBuckets, Math.floor((nowMs - this.startMs) / 1000));
    if (idx > this.orders.length) {
      const from = this.orders.length;
      this.#grow(idx);
      if (from < this.#dirtyFrom) this.#dirtyFrom = from;
    }
  }

  #grow(len: number): void {
    while (this.orders.length < len) {
      this.orders.push(0);
      this.gmvMinor.push(0);
    }
  }

  /** The whole series. */
  all(): SeriesSlice {
    return { startMs: this.startMs, from: 0, orders: this.orders.slice(), gmvMinor: this.gmvMinor.slice() };
  }

  /** Buckets changed since the previous call, as a replace-from slice; clears the mark. */
  takeChanges(): SeriesSlice {
    const from = Math.min(this.#dirtyFrom, this.orders.length);
    this.#dirtyFrom = Infinity;
    return { startMs: this.startMs, from, orders: this.orders.slice(from), gmvMinor: this.gmvMinor.slice(from) };
  }
}
