/**
 * The history watch: proves that warroom has seen every entry of every stream up to where it stands,
 * and raises an alarm (new epoch, on every screen) when it cannot: before reading starts (the
 * streams probed from the main connection), then with a probe read of the reader itself on every
 * WARROOM_HISTORY_CHECK_MS and after every failed read (history.ts); the marker (marker.ts) is
 * checked each time too. Keeps the `counted` figures beside the cursors up to date.
 */
import type { Redis } from 'ioredis';
import type { RaiseAlarm } from '../alarms';
import type { SavedSource } from '../checkpoint';
import { judgeStream, probeStreams, type CheckPhase, type Probe, type StreamPosition } from './history';
import { RedisMarker } from './marker';

export interface HistoryWatchOptions {
  /** The main connection (marker, start-up probe). */
  redis: Redis;
  /** The source streams. */
  keys: string[];
  markerKey: string;
  /** The marker value the checkpoint was saved under; null without one. */
  expectMarker: string | null;
  /** The start-up check proves a recount from '0' (no usable checkpoint) or a resume from a checkpoint. */
  firstPhase: Exclude<CheckPhase, 'running'>;
  /** The reader's COUNT: a probe that finds fewer entries ahead knows them all. */
  readCount: number;
  /** Makes the reader's next read a probe (does nothing before reading starts). */
  probeSoon(): void;
  /** Sets `counted` of a stream in the reader, provided it still stands at `cursor`. */
  setCounted(key: string, cursor: string, counted: number | null): void;
  raise(alarm: RaiseAlarm): void;
  /** Redis lost data: what the checkpoint keeps beside its JSON (series, id hashes) must be saved again in full. */
  onLost(): void;
}

/** Details already raised are remembered, so an acknowledged alarm does not return while its condition lasts. */
const MAX_REMEMBERED = 500;

export class HistoryWatch {
  readonly #o: HistoryWatchOptions;
  readonly #marker: RedisMarker;
  #running: Promise<void> | null = null;
  readonly #raised = new Set<string>();

  constructor(o: HistoryWatchOptions) {
    this.#o = o;
    this.#marker = new RedisMarker(o.redis, o.markerKey);
    this.#marker.expect(o.expectMarker);
  }

  /** The marker value warroom holds (saved with the checkpoint). */
  get marker(): string | null {
    return this.#marker.value;
  }

  /** Before reading starts: the marker, and every stream probed at `start` (its counts are updated in place). Throws when Redis fails. */
  async checkBeforeReading(start: Record<string, StreamPosition>): Promise<void> {
    const found: RaiseAlarm[] = [];
    const emptied = await this.#marker.check();
    if (emptied) found.push(emptied);
    const { keys } = this.#o;
    const { probes } = await probeStreams(
      this.#o.redis,
      keys,
      keys.map((k) => start[k]!.cursor),
      this.#o.readCount,
    );
    this.#judge(start, probes, this.#o.firstPhase, (key, n) => (start[key]!.counted = n), found);
    this.#raise(found);
  }

  /** While reading: the marker now, and the streams with the reader's next read. A call while one runs shares it. */
  check(): Promise<void> {
    this.#running ??= this.#checkMarker().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** A probe read's findings, while the reader stands at `at`. */
  judge(at: Record<string, StreamPosition>, probes: Record<string, Probe>): void {
    const found: RaiseAlarm[] = [];
    this.#judge(
      at,
      this.#o.keys.map((k) => probes[k]!),
      'running',
      (key, n) => this.#o.setCounted(key, at[key]!.cursor, n),
      found,
    );
    this.#raise(found);
  }

  async #checkMarker(): Promise<void> {
    this.#o.probeSoon();
    const emptied = await this.#marker.check();
    if (emptied) this.#raise([emptied]);
  }

  #judge(
    at: Record<string, StreamPosition>,
    probes: Probe[],
    phase: CheckPhase,
    set: (key: string, n: number | null) => void,
    found: RaiseAlarm[],
  ): void {
    this.#o.keys.forEach((key, i) => {
      const v = judgeStream(key, probes[i]!, at[key]!, phase);
      if (v.counted !== undefined) set(key, v.counted);
      if (v.alarm) found.push(v.alarm);
    });
  }

  #raise(found: RaiseAlarm[]): void {
    // Saved in full whether or not the alarm is new: a second flush under an active alarm loses data too.
    if (found.some((a) => a.kind === 'history_lost' || a.kind === 'redis_emptied')) this.#o.onLost();
    for (const a of found) {
      const id = `${a.kind}\n${a.stream}\n${a.detail}`;
      if (this.#raised.has(id)) continue;
      if (this.#raised.size >= MAX_REMEMBERED) this.#raised.clear();
      this.#raised.add(id);
      this.#o.raise(a);
    }
  }
}

/** Where warroom starts in each stream: a checkpoint's cursors and counts, or '0' (nothing before it to count). */
export function startPositions(
  keys: string[],
  saved?: { cursors: Record<string, string>; counted?: Record<string, number> },
): Record<string, StreamPosition> {
  const out: Record<string, StreamPosition> = {};
  for (const k of keys) {
    const cursor = saved?.cursors[k] ?? '0';
    out[k] = { cursor, counted: cursor === '0' ? 0 : (saved?.counted?.[k] ?? null) };
  }
  return out;
}

/** What the checkpoint saves of the positions: cursors, the counts that are known, and the marker. */
export function savedSource(positions: Record<string, StreamPosition>, marker: string | null): SavedSource {
  const cursors: Record<string, string> = {};
  const counted: Record<string, number> = {};
  for (const [k, p] of Object.entries(positions)) {
    cursors[k] = p.cursor;
    if (p.counted !== null) counted[k] = p.counted;
  }
  return marker === null ? { cursors, counted } : { cursors, counted, marker };
}
