/**
 * One stream inside the aggregator: its dedupe window (when the stream table gives it one) in
 * front of its part. What ingest hands an event to ({@link PartSink}); on the hot path, so it
 * allocates nothing.
 */
import type { Dedupe } from '../streams';
import type { DedupeWindow } from './dedupe';
import type { Admission, PartSink, StreamPart } from './part';

/** Counts every stream shares (shown as one figure). */
export interface SharedCounts {
  duplicates: number;
}

export class StreamUnit<E, S, P> implements PartSink<E> {
  readonly part: P & StreamPart<E, S>;
  /** Null for a stream without dedupe (its events replace). */
  readonly ids: DedupeWindow | null;
  readonly #dedupe: Dedupe<E>;
  readonly #counts: SharedCounts;

  constructor(part: P & StreamPart<E, S>, dedupe: Dedupe<E>, ids: DedupeWindow | null, counts: SharedCounts) {
    this.part = part;
    this.#dedupe = dedupe;
    this.ids = ids;
    this.#counts = counts;
  }

  /** Counts an event unless its id was already counted within the dedupe window. */
  apply(e: E, entryMs: number): Admission {
    const d = this.#dedupe;
    if (d !== null && this.ids !== null) {
      if (d.tag !== undefined) {
        const seen = this.ids.admitTagged(d.ids(e), entryMs, d.tag(e));
        if (seen !== 'new') {
          if (seen === 'duplicate') this.#counts.duplicates++;
          return seen;
        }
      } else if (!this.ids.admit(d.ids(e), entryMs)) {
        this.#counts.duplicates++;
        return 'duplicate';
      }
    }
    this.part.apply(e, entryMs);
    return 'counted';
  }
}
