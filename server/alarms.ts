/**
 * The alarm board: every condition under which the server cannot prove a number is complete
 * (history lost or trimmed, Redis emptied, an incomplete recount, failing checkpoints, entries from
 * the future, ...). An alarm stays on every screen and makes `/healthz` answer 503 until an admin
 * acknowledges it; an acknowledged alarm stays listed (greyed) for the night. The board is saved
 * with the checkpoint ({@link AlarmBoard.state} / {@link AlarmBoard.restore}) so a restart cannot
 * make an under-count silent again.
 *
 *   const board = new AlarmBoard({ now, log });
 *   board.raise({ kind: 'history_trimmed', stream: 'wr:orders', detail: '...' }); // true when new
 *   board.active();                 // unacknowledged alarms: health is 503 while any exist
 *   board.acknowledge(id, 'admin'); // the admin page's button (audited by the caller)
 */
import { randomUUID } from 'node:crypto';
import type { Alarm, AlarmKind } from '../shared/wire';
import type { Logger } from './log';

/** Most alarms kept (oldest acknowledged ones go first). */
const MAX_ALARMS = 50;
/** An acknowledged alarm is listed for the night, then left out when a restart restores the board. */
const ACKED_KEPT_MS = 24 * 3600_000;

export interface RaiseAlarm {
  kind: AlarmKind;
  /** The stream (or key) concerned; '' when none. */
  stream: string;
  detail: string;
}

export interface AlarmBoardOptions {
  now: () => number;
  log: Pick<Logger, 'error'>;
  /** Called after every change (e.g. to start a new epoch or push to screens). */
  onChange?: (raised: Alarm | null) => void;
}

export class AlarmBoard {
  #list: Alarm[] = [];
  /** Changes with every raise/acknowledge/restore: the publisher sends the list when it moves. */
  version = 0;
  readonly #opts: AlarmBoardOptions;
  readonly #listeners: ((raised: Alarm | null) => void)[] = [];

  constructor(opts: AlarmBoardOptions) {
    this.#opts = opts;
  }

  /** Also calls `f` after every change, after `onChange` (e.g. to save the board once counting). */
  listen(f: (raised: Alarm | null) => void): void {
    this.#listeners.push(f);
  }

  #changed(raised: Alarm | null): void {
    this.#opts.onChange?.(raised);
    for (const f of this.#listeners) f(raised);
  }

  /**
   * Raises an alarm unless the same one (kind, stream, detail) is already active.
   * Returns the new alarm, or null when it was already on the board.
   */
  raise(a: RaiseAlarm): Alarm | null {
    if (this.#list.some((b) => b.ackedAtMs === null && b.kind === a.kind && b.stream === a.stream && b.detail === a.detail)) return null;
    const alarm: Alarm = {
      id: randomUUID(),
      kind: a.kind,
      stream: a.stream,
      detail: a.detail,
      atMs: this.#opts.now(),
      ackedAtMs: null,
      ackedBy: null,
    };
    this.#opts.log.error(`ALARM ${a.kind}${a.stream ? ` on ${a.stream}` : ''}: ${a.detail}`);
    this.#list = [...this.#list, alarm];
    this.#trim();
    this.version++;
    this.#changed(alarm);
    return alarm;
  }

  /** Whether an unacknowledged alarm of this kind (and stream, when given) is on the board. */
  has(kind: AlarmKind, stream?: string): boolean {
    return this.#list.some((a) => a.ackedAtMs === null && a.kind === kind && (stream === undefined || a.stream === stream));
  }

  /** Marks an alarm acknowledged; returns it, or null when there is no such unacknowledged alarm. */
  acknowledge(id: string, by: string): Alarm | null {
    const i = this.#list.findIndex((a) => a.id === id && a.ackedAtMs === null);
    if (i < 0) return null;
    const acked: Alarm = { ...this.#list[i]!, ackedAtMs: this.#opts.now(), ackedBy: by };
    this.#list = this.#list.map((a, j) => (j === i ? acked : a));
    this.version++;
    this.#changed(null);
    return acked;
  }

  /** Every alarm of the night, acknowledged ones included (oldest first). */
  list(): Alarm[] {
    return this.#list;
  }

  /** The unacknowledged alarms. */
  active(): Alarm[] {
    return this.#list.filter((a) => a.ackedAtMs === null);
  }

  /** What the checkpoint saves. */
  state(): Alarm[] {
    return this.#list;
  }

  /**
   * Puts saved alarms back (after a restart), before anything new is raised. Garbage is dropped,
   * and so are alarms acknowledged more than a day ago (last night's); active ones always stay.
   */
  restore(saved: unknown): void {
    if (!Array.isArray(saved)) return;
    const since = this.#opts.now() - ACKED_KEPT_MS;
    const ok = saved.filter(isAlarm).filter((a) => a.ackedAtMs === null || a.ackedAtMs >= since);
    const known = new Set(this.#list.map((a) => a.id));
    this.#list = [...ok.filter((a) => !known.has(a.id)), ...this.#list];
    this.#trim();
    this.version++;
    this.#changed(null);
  }

  #trim(): void {
    while (this.#list.length > MAX_ALARMS) {
      const i = this.#list.findIndex((a) => a.ackedAtMs !== null);
      this.#list.splice(i >= 0 ? i : 0, 1);
    }
  }
}

function isAlarm(v: unknown): v is Alarm {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return (
    typeof a.id === 'string' &&
    typeof a.kind === 'string' &&
    typeof a.stream === 'string' &&
    typeof a.detail === 'string' &&
    typeof a.atMs === 'number' &&
    (a.ackedAtMs === null || typeof a.ackedAtMs === 'number') &&
    (a.ackedBy === null || typeof a.ackedBy === 'string')
  );
}
