/**
 * Orders per second over rolling windows: a ring of one-second buckets keyed by absolute second,
 * so a bucket left from an earlier lap reads as empty and idle gaps need no catching up.
 * The caller passes the time; nothing here reads a clock.
 */
export class RollingCounter {
  readonly #secs: Float64Array;
  readonly #counts: Float64Array;

  /**
   * @param spanSeconds the longest window that will be asked for
   * @param futureSeconds how far ahead of now an event may be stamped (contract: 5 min); the ring
   *   is long enough that such an event never evicts a second still inside the window
   */
  constructor(spanSeconds = 60, futureSeconds = 300) {
    const size = spanSeconds + futureSeconds + 4;
    this.#secs = new Float64Array(size).fill(-1);
    this.#counts = new Float64Array(size);
  }

  /** Adds `n` to the second that contains `tsMs`. Events older than the ring are ignored. */
  add(tsMs: number, n: number): void {
    const sec = Math.floor(tsMs / 1000);
    const i = sec % this.#secs.length;
    const held = this.#secs[i]!;
    if (held === sec) this.#counts[i]! += n;
    else if (held < sec) {
      this.#secs[i] = sec;
      this.#counts[i] = n;
    }
  }

  /** The ring as plain data, for a checkpoint. */
  state(): { secs: number[]; counts: number[] } {
    return { secs: [...this.#secs], counts: [...this.#counts] };
  }

  /** Restores a ring saved by {@link state}; a ring of another size is ignored (rates refill within a minute). */
  restore(s: { secs: number[]; counts: number[] }): void {
    if (s.secs.length !== this.#secs.length || s.counts.length !== this.#counts.length) return;
    this.#secs.set(s.secs);
    this.#counts.set(s.counts);
  }

  /** Sum over the `seconds` complete seconds before the second that contains `nowMs`. */
  sum(nowMs: number, seconds: number): number {
    const nowSec = Math.floor(nowMs / 1000);
    let total = 0;
    for (let s = nowSec - seconds; s < nowSec; s++) {
      const i = ((s % this.#secs.length) + this.#secs.length) % this.#secs.length;
      if (this.#secs[i] === s) total += this.#counts[i]!;
    }
    return total;
  }
}
