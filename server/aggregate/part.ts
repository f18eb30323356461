/**
 * One stream's share of the aggregate, behind the interface every part has: the aggregator
 * (aggregator.ts) drives the parts the stream table (server/streams.ts) lists, so a new stream
 * brings its own part and nothing else in here changes.
 *
 * Time moves only through `apply` (the event's own times) and `advance` (the server clock): reads
 * never change a part, so a read in a test, a screen or a reconcile gives the same answer twice.
 */

/** What became of an event: counted, a plain retry (counted in `duplicates`), or a retry of a counted id with another value. */
export type Admission = 'counted' | 'duplicate' | 'conflict';

/** Where ingest hands a stream's events: the aggregator's unit for that stream (its dedupe window, then its part). */
export interface PartSink<E> {
  apply(e: E, entryMs: number): Admission;
}

/** A part of the aggregate that counts the events of one stream. */
export interface StreamPart<E, S> {
  /** Counts one event the dedupe window admitted (or every event of a stream without one). */
  apply(e: E, entryMs: number): void;
  /** Moves the part to server time `nowMs` (e.g. drops expired alerts); optional for parts that hold nothing time-bound. */
  advance?(nowMs: number): void;
  /** The part as plain JSON data, for a checkpoint. */
  state(): S;
  /** Restores a fresh part from a saved state, already checked by {@link StreamPart} `check`. */
  restore(s: S): void;
}

/** Options every part may read (the aggregator's, defaults merged once). */
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

export type PartOptions = Required<AggregatorOptions>;

export function withDefaults(opts: AggregatorOptions): PartOptions {
  return {
    ...opts,
    maxAlerts: opts.maxAlerts ?? 200,
    dedupeWindowMs: opts.dedupeWindowMs ?? 15 * 60_000,
    dedupeMaxIds: opts.dedupeMaxIds ?? 20_000_000,
    flashSkus: opts.flashSkus ?? [],
    lastYearMinor: opts.lastYearMinor ?? null,
  };
}
