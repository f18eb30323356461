/**
 * Checkpoints that keep failing must not stay invisible. Under Redis' `maxmemory` with
 * `noeviction`, every save is refused while ingest and health look fine: a restart would then
 * resume from an ever older checkpoint (or lose state the streams no longer hold). Once Redis has
 * refused `minFailures` saves in a row over at least `minSpanMs`, a `checkpoint_failing` alarm is
 * raised (every screen, /healthz 503). It stays until an admin acknowledges it, also after saves
 * succeed again: the window in which a restart would have lost state is worth a human look.
 * A lost connection is not counted (the checkpointer only counts refusals): the outage shows already.
 */
import type { AlarmBoard } from './alarms';

/** What the watch reads of the checkpointer. */
export interface SaveStreak {
  consecutiveFailures: number;
  failingSinceMs: number | null;
  lastError: string | null;
}

export interface CheckpointWatchOptions {
  /** @default 3 */
  minFailures?: number;
  /** @default 5000 */
  minSpanMs?: number;
  /** How often to look. @default 1000 */
  pollMs?: number;
}

export class CheckpointWatch {
  readonly #cp: SaveStreak;
  readonly #alarms: AlarmBoard;
  readonly #now: () => number;
  readonly #o: Required<CheckpointWatchOptions>;
  /** The failing streak (by its start) already alarmed for: one alarm per streak. */
  #alarmedSince: number | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(cp: SaveStreak, alarms: AlarmBoard, now: () => number, o: CheckpointWatchOptions = {}) {
    this.#cp = cp;
    this.#alarms = alarms;
    this.#now = now;
    this.#o = { minFailures: 3, minSpanMs: 5000, pollMs: 1000, ...o };
  }

  start(): void {
    this.#timer ??= setInterval(() => this.poll(), this.#o.pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Raises the alarm when the current streak of failures is long enough (once per streak). */
  poll(): void {
    const { consecutiveFailures: n, failingSinceMs: since, lastError } = this.#cp;
    if (since === null || n < this.#o.minFailures || this.#now() - since < this.#o.minSpanMs) return;
    if (this.#alarmedSince === since || this.#alarms.has('checkpoint_failing')) return;
    this.#alarmedSince = since;
    this.#alarms.raise({
      kind: 'checkpoint_failing',
      stream: '',
      detail: `${n} checkpoint saves in a row failed since ${new Date(since).toISOString()} (${lastError ?? 'unknown error'}); a restart now would resume from an older checkpoint`,
    });
  }
}
