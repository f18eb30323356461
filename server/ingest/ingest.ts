/**
 * Ingest: reads the producer streams, judges each entry's ID against the server clock, decodes it
 * at the trust boundary, applies valid events to the aggregator and sends the rest to the
 * dead-letter stream. Steps over entries too large to read. Also keeps the source status (Redis
 * reachable, stale since, lag) that health and screens show, and reports what the numbers cannot
 * show by themselves (future IDs, entries stepped over) as alarms through `onAlarm`.
 */
import type { Redis } from 'ioredis';
import type { Aggregator } from '../aggregate/aggregator';
import type { Logger } from '../log';
import { within, type StreamKeys } from '../redis';
import type { SourceStatus } from '../../shared/wire';
import type { DecodeOptions, Rejection } from './decode';
import { entryTimeMs } from '../entry-id';
import { applyEntry, streamKinds, type Rejecter, type StreamKind } from './apply';
import { DeadLetterWriter, LETTER_FIELD_CHARS, MAX_FIELD_ITEMS } from './deadletter';
import { judgeFutureId } from './future';
import { defineCarefulRead, readCarefully, type CarefulEntry } from './careful';
import type { RaiseAlarm } from '../alarms';
import { StreamReader, type RawEntries } from './reader';
import { RollingCounter } from '../aggregate/rolling';
import type { Fence } from '../fence';
import type { Probe, StreamPosition } from './history';

/** Dead letters allowed to wait for Redis before reading pauses. */
const MAX_DEAD_BACKLOG = 20_000;
/** The same alarm (kind, stream) is reported again at most this often while its cause lasts. */
const ALARM_REPEAT_MS = 5 * 60_000;
/** A careful read gives up after this long (Redis is probably down or stopped: the plain read will say so). */
const CAREFUL_TIMEOUT_MS = 5_000;
/** Redis must answer a PING within this long before a careful read is tried. */
const PING_TIMEOUT_MS = 1_000;

export interface IngestOptions {
  keys: StreamKeys;
  /** Dead letters are written only while it holds this process's lease token. */
  fence: Fence;
  /** Where to start per stream key (a checkpoint's cursors and counts); "0" (all retained history) for the rest. */
  start?: Record<string, StreamPosition>;
  /** Called when reads succeed again after failing (Redis is back: time to check its history). */
  onRecovered?: () => void;
  /** What a probe read found per stream key, with where ingest stood when Redis ran it (see history.ts). */
  onProbe?: (at: Record<string, StreamPosition>, probes: Record<string, Probe>) => void;
  decode: DecodeOptions;
  /** An entry ID further ahead of the server clock than this is judged a future ID. @default 5 min */
  maxFutureMs?: number;
  /** Reports an alarm (the composition root hands it to the alarm board). */
  onAlarm?: (a: RaiseAlarm) => void;
  blockMs: number;
  count: number;
  graceMs?: number;
}

export class Ingest implements Rejecter {
  readonly #agg: Aggregator;
  readonly #dead: DeadLetterWriter;
  readonly #reader: StreamReader;
  readonly #opts: IngestOptions;
  readonly #now: () => number;
  #status: SourceStatus = { redis: 'down', staleSinceMs: null, lagMs: null, newestOrderEntryMs: null, ingestPerSec: 0 };
  /** Entries read per second of server time, for the ingest rate on the ops strip. */
  readonly #readRate = new RollingCounter(5, 5);
  /** Entries read since start (for the ops strip and benchmarks). */
  entriesRead = 0;
  #everUp = false;
  /** Server time of the last successful read: where an outage starts (what we knew until then). */
  #lastReadOkMs: number | null = null;
  readonly #lagByStream = new Map<string, number>();
  readonly #kinds: Map<string, StreamKind>;
  readonly #readKeys: string[];
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #maxFutureMs: number;
  /** When each alarm (kind + stream) was last reported. */
  readonly #alarmedAt = new Map<string, number>();

  constructor(agg: Aggregator, redis: Redis, connectBlocking: () => Redis, opts: IngestOptions, now: () => number, log: Logger) {
    this.#agg = agg;
    this.#opts = opts;
    this.#now = now;
    this.#dead = new DeadLetterWriter(redis, opts.keys, opts.fence, log);
    this.#redis = redis;
    this.#log = log;
    this.#maxFutureMs = opts.maxFutureMs ?? 5 * 60_000;
    defineCarefulRead(redis);
    this.#kinds = streamKinds(opts.keys);
    this.#status.staleSinceMs = now();
    const keys = [...this.#kinds.keys()];
    this.#readKeys = keys;
    this.#reader = new StreamReader(
      connectBlocking,
      {
        keys,
        cursors: keys.map((k) => opts.start?.[k]?.cursor ?? '0'),
        counted: keys.map((k) => (opts.start?.[k] ? opts.start[k].counted : 0)),
        blockMs: opts.blockMs,
        count: opts.count,
        graceMs: opts.graceMs,
      },
      {
        onEntries: (key, entries, after) => this.#onEntries(key, entries, after),
        onStatus: (ok) => this.#onStatus(ok),
        recover: (cursors, advance) => this.#recover(cursors, advance),
        // A flood of poison must not pile up letters in memory: reading waits for them to be written.
        settle: () => (this.#dead.backlog > MAX_DEAD_BACKLOG ? this.#dead.flush() : undefined),
        onProbe: (probes) => opts.onProbe?.(this.positions(), Object.fromEntries(probes.map((p, i) => [keys[i]!, p]))),
      },
      log,
    );
  }

  async start(): Promise<void> {
    await this.#dead.loadHighWater();
    this.#reader.start();
  }

  async stop(): Promise<void> {
    await this.#reader.stop();
    await this.#dead.flush();
  }

  get status(): SourceStatus {
    return { ...this.#status, ingestPerSec: this.#readRate.sum(this.#now(), 1) };
  }

  /** The last entry ID applied, per stream key (what a checkpoint saves). */
  cursors(): Record<string, string> {
    const out: Record<string, string> = {};
    this.#reader.cursors.forEach((cursor, i) => (out[this.#readKeys[i]!] = cursor));
    return out;
  }

  /** Cursor and count per stream key (what the history check judges and the checkpoint saves). */
  positions(): Record<string, StreamPosition> {
    const out: Record<string, StreamPosition> = {};
    this.#reader.cursors.forEach((cursor, i) => (out[this.#readKeys[i]!] = { cursor, counted: this.#reader.counted[i] ?? null }));
    return out;
  }

  /** Makes the next read prove the history (see {@link StreamReader.probeSoon}). */
  probeSoon(): void {
    this.#reader.probeSoon();
  }

  /** See {@link StreamReader.setCounted}. */
  setCounted(key: string, cursor: string, counted: number | null): void {
    this.#reader.setCounted(key, cursor, counted);
  }

  #onStatus(ok: boolean): void {
    if (ok) {
      const recovered = this.#status.redis === 'down' && this.#everUp;
      this.#lastReadOkMs = this.#now();
      // Also ends an outage restored open from a checkpoint: this process was not reading either.
      this.#agg.outages.end(this.#lastReadOkMs);
      this.#everUp = true;
      this.#status.redis = 'up';
      this.#status.staleSinceMs = null;
      // A stream missing from a reply has nothing past its cursor: caught up until entries say otherwise.
      this.#lagByStream.clear();
      this.#status.lagMs = 0;
      if (recovered) this.#opts.onRecovered?.();
    } else {
      this.#status.redis = 'down';
      this.#status.staleSinceMs ??= this.#now();
      // Only after a read succeeded: before the first one there is no known state to lose.
      if (this.#lastReadOkMs !== null) this.#agg.outages.begin(this.#lastReadOkMs);
    }
  }

  /** @param after the cursor the entries follow (the entry before the first one) */
  #onEntries(key: string, entries: RawEntries, after: string): void {
    const now = this.#now();
    this.entriesRead += entries.length;
    this.#readRate.add(now, entries.length);
    const kind = this.#kinds.get(key);
    if (kind === undefined) return;
    const k = this.#opts.keys;
    const latest = now + this.#maxFutureMs;
    let prev = after === '0' ? undefined : after;
    for (const [id, fields] of entries) {
      let at = entryTimeMs(id);
      if (at > latest) {
        const judged = this.#future(key, id, at, prev, now, fields ?? []);
        if (judged === null) {
          prev = id;
          continue;
        }
        at = judged;
      }
      applyEntry(this.#agg, kind, key, id, fields ?? [], this.#opts.decode, this, at);
      prev = id;
    }
    const newest = Math.min(now, entryTimeMs(entries[entries.length - 1]![0]));
    if (key === k.orders) this.#status.newestOrderEntryMs = newest;
    // Behind the tail when the read came back full; the status shows the stream furthest behind.
    this.#lagByStream.set(key, entries.length >= this.#opts.count ? Math.max(0, now - newest) : 0);
    this.#status.lagMs = Math.max(...this.#lagByStream.values());
    void this.#dead.flush();
  }

  /** An ID too far ahead of the server clock: rejected (null) or, stamped by Redis, counted at the server's time. */
  #future(stream: string, id: string, ms: number, prev: string | undefined, now: number, fields: string[]): number | null {
    const aheadS = Math.round((ms - now) / 1000);
    this.#alarm(
      'id_in_future',
      stream,
      () =>
        `entry ${id} is ${aheadS} s ahead of the server clock: a producer sets entry IDs itself (they must be "*"). ` +
        "Entries with IDs it set are dead-lettered (id_in_future); entries Redis stamped after them count at the server's time.",
    );
    const at = judgeFutureId(id, ms, prev, now);
    if (at === null)
      this.reject(stream, id, fields, {
        code: 'id_in_future',
        message: `the entry ID is ${aheadS} s ahead of the server clock; producers must XADD with *`,
      });
    return at;
  }

  /** Reports an alarm unless the same kind on the same stream was reported within {@link ALARM_REPEAT_MS}. */
  #alarm(kind: RaiseAlarm['kind'], stream: string, detail: () => string): void {
    const key = `${kind} ${stream}`;
    const now = this.#now();
    const last = this.#alarmedAt.get(key);
    if (last !== undefined && now - last < ALARM_REPEAT_MS) return;
    this.#alarmedAt.set(key, now);
    this.#opts.onAlarm?.({ kind, stream, detail: detail() });
  }

  /**
   * After a failed read: reads each stream on carefully (see `careful.ts`), applying what fits and
   * dead-lettering an entry too large by its ID, moving each cursor as its entries are applied.
   */
  async #recover(cursors: readonly string[], advance: (i: number, cursor: string, entries: number) => void): Promise<boolean> {
    if (this.#redis.status !== 'ready') return false;
    const d = this.#opts.decode;
    const opts = {
      count: this.#opts.count,
      maxEntryBytes: d.maxEntryBytes,
      budgetBytes: 4 * d.maxEntryBytes,
      keepBytes: LETTER_FIELD_CHARS,
      keepItems: MAX_FIELD_ITEMS,
    };
    try {
      // An outage or a stopped Redis fails the plain read too: nothing to read carefully then.
      await within(this.#redis.ping(), PING_TIMEOUT_MS);
    } catch {
      return false;
    }
    let moved = false;
    try {
      for (const [i, key] of this.#readKeys.entries()) {
        const after = cursors[i]!;
        const got = await within(readCarefully(this.#redis, key, after, opts), CAREFUL_TIMEOUT_MS);
        if (got.length === 0) continue;
        // Applied and advanced in one tick: a checkpoint sees both or neither.
        this.#applyCareful(key, got, after);
        advance(i, got[got.length - 1]!.id, got.length);
        moved = true;
      }
    } catch (e) {
      this.#log.warn(`careful read failed: ${(e as Error).message}`);
    }
    return moved;
  }

  #applyCareful(key: string, got: CarefulEntry[], after: string): void {
    const last = got[got.length - 1]!;
    const whole = last.tooLarge ? got.slice(0, -1) : got;
    if (whole.length > 0)
      this.#onEntries(
        key,
        whole.map((e) => [e.id, e.fields]),
        after,
      );
    const big = last.tooLarge;
    if (!big) return;
    this.entriesRead++;
    const rej: Rejection = {
      code: 'entry_too_large',
      message: `the entry has ${big.bytes} bytes, at most ${this.#opts.decode.maxEntryBytes} are read`,
    };
    this.reject(key, last.id, last.fields, rej, {
      lengths: big.lengths,
      items: big.items,
      how: 'found by a careful read after a failed read',
    });
    void this.#dead.flush();
  }

  #alarmTooLarge(stream: string, id: string, rej: Rejection, how = 'read whole'): void {
    this.#log.warn(`${stream} entry ${id} stepped over (${how}): ${rej.message}`);
    this.#alarm(
      'entry_too_large',
      stream,
      () =>
        `entry ${id} was stepped over: ${rej.message} (dead-lettered as entry_too_large, the first ${LETTER_FIELD_CHARS} characters of each field kept)`,
    );
  }

  /** Counts a rejection and queues its dead letter (see {@link Rejecter}). */
  /** @param cut for fields already cut before reaching here (an entry too large to read): their lengths, item count, and how it was found */
  reject(stream: string, entryId: string, fields: string[], rej: Rejection, cut?: { lengths: number[]; items: number; how: string }): void {
    this.#agg.reject(rej.code);
    if (rej.code === 'entry_too_large') this.#alarmTooLarge(stream, entryId, rej, cut?.how);
    if (this.#dead.alreadyWritten(stream, entryId)) return;
    // A batch item's letter carries just that item: the whole batch would repeat per bad item.
    const original = rej.index !== undefined ? ['item', JSON.stringify(rej.item) ?? 'null'] : fields;
    this.#dead.add({ stream, entryId, rejection: rej, fields: original, lengths: cut?.lengths, items: cut?.items });
  }
}
