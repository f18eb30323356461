/**
 * The drill-down slice for the current filter: `GET /api/drill` with the page's cookies, again every
 * 2 s while the filter is on and the page visible; a late answer for an older filter is dropped.
 */
import type { Drill } from '../../shared/api';
import { drillUrl, sameFilter, type Filter } from './filter';

export type DrillStatus =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ok'; drill: Drill; atMs: number }
  /** 401/403: the credential is not an executive's or admin's. */
  | { kind: 'forbidden'; status: number }
  /** 404: no orders in the slice yet (or a server without drill-down). */
  | { kind: 'unavailable' }
  | { kind: 'error'; message: string };

export const DRILL_REFRESH_MS = 2000;

export class DrillFeed {
  status = $state.raw<DrillStatus>({ kind: 'idle' });
  #filter: Filter | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | null = null;
  readonly #fetch: typeof fetch;

  constructor(fetcher: typeof fetch = (...a) => fetch(...a)) {
    this.#fetch = fetcher;
  }

  /** Follows `filter` (null stops). */
  follow(filter: Filter | null): void {
    if (sameFilter(filter, this.#filter)) return;
    this.#filter = filter;
    this.#stopTimer();
    if (!filter) {
      this.status = { kind: 'idle' };
      return;
    }
    this.status = { kind: 'loading' };
    void this.#load(filter);
  }

  stop(): void {
    this.#filter = null;
    this.#stopTimer();
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    this.#abort = null;
  }

  async #load(filter: Filter): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    let next: DrillStatus;
    try {
      const res = await this.#fetch(drillUrl(filter), {
        credentials: 'same-origin',
        signal: abort.signal,
        headers: { Accept: 'application/json' },
      });
      if (res.status === 401 || res.status === 403) next = { kind: 'forbidden', status: res.status };
      else if (res.status === 404) next = { kind: 'unavailable' };
      else if (!res.ok) next = { kind: 'error', message: `HTTP ${res.status}` };
      else next = { kind: 'ok', drill: (await res.json()) as Drill, atMs: Date.now() };
    } catch (e) {
      if (abort.signal.aborted) return;
      next = { kind: 'error', message: (e as Error).message };
    }
    if (abort.signal.aborted || !sameFilter(filter, this.#filter)) return;
    // Keep showing the last good slice through a transient error.
    if (!(next.kind === 'error' && this.status.kind === 'ok')) this.status = next;
    if (next.kind === 'forbidden') return; // no point asking again with the same credential
    this.#timer = setTimeout(() => this.#tick(filter), DRILL_REFRESH_MS);
  }

  #tick(filter: Filter): void {
    if (!sameFilter(filter, this.#filter)) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') {
      this.#timer = setTimeout(() => this.#tick(filter), DRILL_REFRESH_MS);
      return;
    }
    void this.#load(filter);
  }
}
