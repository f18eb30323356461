/**
 * Whether the data on screen is current, with hysteresis so the stale flags do not flicker.
 *
 * Ticks normally arrive every `tickIntervalMs` (100 ms), but a busy server, a GC pause or a Wi-Fi
 * hiccup delays a few by hundreds of milliseconds. Flagging each of those (the old 250 ms rule)
 * made every panel's chip blink on and off. So:
 *   - enter "not current" only after `enterMs` (3 s, at least 5 tick intervals) without any message;
 *   - leave it only after messages have arrived steadily, no gap above `steadyGapMs`, for `leaveMs` (2 s).
 * Pure: the caller passes the time (performance.now() in the browser).
 */
export interface StalenessOptions {
  /** Silence after which the data counts as not current. @default max(3000, 5 × tick) */
  enterMs?: number;
  /** Steady data needed to count as current again. @default 2000 */
  leaveMs?: number;
  /** Largest gap between messages that still counts as steady. @default max(1000, 3 × tick) */
  steadyGapMs?: number;
}

export const STALE_ENTER_MS = 3000;
export const STALE_LEAVE_MS = 2000;

export class StalenessGate {
  #lastMessageAt: number | null = null;
  /** Start of the current run of messages without a gap above steadyGapMs. */
  #steadySince: number | null = null;
  #stale = false;
  #tickIntervalMs: number;
  readonly #opts: StalenessOptions;

  constructor(tickIntervalMs = 100, opts: StalenessOptions = {}) {
    this.#tickIntervalMs = tickIntervalMs;
    this.#opts = opts;
  }

  set tickIntervalMs(ms: number) {
    this.#tickIntervalMs = ms;
  }

  get enterMs(): number {
    return this.#opts.enterMs ?? Math.max(STALE_ENTER_MS, 5 * this.#tickIntervalMs);
  }

  get leaveMs(): number {
    return this.#opts.leaveMs ?? STALE_LEAVE_MS;
  }

  get steadyGapMs(): number {
    return this.#opts.steadyGapMs ?? Math.max(1000, 3 * this.#tickIntervalMs);
  }

  /** A snapshot or tick arrived at `now`. */
  message(now: number): void {
    if (this.#lastMessageAt === null || now - this.#lastMessageAt > this.steadyGapMs) this.#steadySince = now;
    this.#lastMessageAt = now;
  }

  /** Whether the data is stale at `now` (false before the first message: that is "connecting"). */
  stale(now: number): boolean {
    if (this.#lastMessageAt === null) return false;
    const silent = now - this.#lastMessageAt;
    if (!this.#stale) {
      if (silent >= this.enterMs) this.#stale = true;
    } else if (silent <= this.steadyGapMs && this.#steadySince !== null && now - this.#steadySince >= this.leaveMs) {
      this.#stale = false;
    }
    return this.#stale;
  }
}
