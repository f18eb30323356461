/**
 * Per-second buckets since a fixed start (T0 − 5 min): orders and GMV in minor units.
 * Buckets are plain numbers for charting; GMV per bucket is exact while a single second stays
 * below 2^53 minor units (9e13 CNY), which no real second approaches. Totals never come from here.
 */
import type { SeriesSlice } from '../../shared/wire';

/** Buckets per checkpoint chunk (5 minutes). */
export const CHUNK_SECONDS = 300;

export interface SeriesChunk {
  orders: number[];
  gmvMinor: number[];
}

export class PerSecondSeries {
  readonly startMs: number;
  readonly maxBuckets: number;
  readonly orders: number[] = [];
  readonly gmvMinor: number[] = [];
  /** Lowest bucket index changed since the last {@link takeChanges}; Infinity when none. */
  #dirtyFrom = Infinity;
  /** Range of bucket indexes changed since the last {@link takeDirtyChunks}. */
  #ckptMin = Infinity;
  #ckptMax = -1;

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
    if (idx < this.#ckptMin) this.#ckptMin = idx;
    if (idx > this.#ckptMax) this.#ckptMax = idx;
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

  /**
   * Chunks of {@link CHUNK_SECONDS} buckets touched since the last call, for a checkpoint to save
   * (only what changed is written). Clears the mark.
   */
  takeDirtyChunks(): Map<number, SeriesChunk> {
    const out = new Map<number, SeriesChunk>();
    if (this.#ckptMax >= 0) {
      for (let c = Math.floor(this.#ckptMin / CHUNK_SECONDS); c <= Math.floor(this.#ckptMax / CHUNK_SECONDS); c++) {
        const from = c * CHUNK_SECONDS;
        out.set(c, { orders: this.orders.slice(from, from + CHUNK_SECONDS), gmvMinor: this.gmvMinor.slice(from, from + CHUNK_SECONDS) });
      }
    }
    this.#ckptMin = Infinity;
    this.#ckptMax = -1;
    return out;
  }

  /** Marks chunks dirty again after a failed checkpoint. */
  markDirty(chunks: Iterable<number>): void {
    for (const c of chunks) {
      this.#ckptMin = Math.min(this.#ckptMin, c * CHUNK_SECONDS);
      this.#ckptMax = Math.max(this.#ckptMax, Math.min(this.orders.length - 1, (c + 1) * CHUNK_SECONDS - 1));
    }
  }

  /** Rebuilds the buckets from saved chunks; missing chunks read as empty seconds. */
  restore(length: number, chunks: Map<number, SeriesChunk>): void {
    this.#grow(Math.min(length, this.maxBuckets));
    for (const [c, chunk] of chunks) {
      const from = c * CHUNK_SECONDS;
      for (let i = 0; i < chunk.orders.length && from + i < this.orders.length; i++) {
        this.orders[from + i] = chunk.orders[i] ?? 0;
        this.gmvMinor[from + i] = chunk.gmvMinor[i] ?? 0;
      }
    }
    this.#dirtyFrom = 0;
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
