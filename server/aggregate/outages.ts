/**
 * When the server could not read the streams (Redis stopped, paused or unreachable), in server time.
 * Screens shade these intervals on the per-second charts: what those seconds show arrived late
 * (catch-up, counted by event time) or, for orders without `ts`, not at all (they count when they
 * were finally written). Pure: the caller passes the time. Kept in the checkpoint with the series
 * it annotates, bounded to the newest {@link MAX_OUTAGES}.
 */
import type { Outage } from '../../shared/wire';

export const MAX_OUTAGES = 50;
/** Shorter failures (one failed read, retried at once) are not outages. */
export const MIN_OUTAGE_MS = 1000;

export class OutageLog {
  readonly #list: Outage[] = [];
  /** Bumped on every change, so publishers send the list only then. */
  version = 0;

  /** Reads started failing; `fromMs` is the last time they succeeded. Ignored while one is open. */
  begin(fromMs: number): void {
    if (this.#list.at(-1)?.toMs === null) return;
    this.#list.push({ fromMs, toMs: null });
    if (this.#list.length > MAX_OUTAGES) this.#list.shift();
    this.version++;
  }

  /** Reads succeed again. A blip shorter than {@link MIN_OUTAGE_MS} is forgotten: no second came late. */
  end(toMs: number): void {
    const open = this.#list.at(-1);
    if (open === undefined || open.toMs !== null) return;
    if (toMs - open.fromMs < MIN_OUTAGE_MS) this.#list.pop();
    else open.toMs = toMs;
    this.version++;
  }

  get open(): boolean {
    return this.#list.at(-1)?.toMs === null;
  }

  list(): Outage[] {
    return this.#list.map((o) => ({ ...o }));
  }

  /**
   * Restores a saved list, keeping only well-formed intervals. One still open when it was saved
   * stays open: the restarted server was not reading either, until its first read ends it.
   */
  restore(saved: unknown): void {
    if (!Array.isArray(saved)) return;
    const ms = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    for (const o of saved.slice(-MAX_OUTAGES) as unknown[]) {
      if (typeof o !== 'object' || o === null) continue;
      const { fromMs, toMs } = o as Record<string, unknown>;
      if (!ms(fromMs) || !(toMs === null || (ms(toMs) && toMs >= fromMs))) continue;
      // Only the newest interval can still be open.
      if (this.#list.at(-1)?.toMs === null) this.#list.pop();
      this.#list.push({ fromMs, toMs });
    }
    this.version++;
  }
}
