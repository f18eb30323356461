/**
 * Ingest: reads the producer streams, decodes each entry at the trust boundary, applies valid
 * events to the aggregator and sends the rest to the dead-letter stream. Also keeps the source
 * status (Redis reachable, stale since, lag) that health and screens show.
 */
import type { Redis } from 'ioredis';
import type { Aggregator } from '../aggregate/aggregator';
import type { Logger } from '../log';
import type { StreamKeys } from '../redis';
import type { SourceStatus } from '../../shared/wire';
import { entryTimeMs, type DecodeOptions, type Rejection } from './decode';
import { applyEntry, streamKinds, type Rejecter, type StreamKind } from './apply';
import { DeadLetterWriter } from './deadletter';
import { StreamReader, type RawEntries } from './reader';
import { RollingCounter } from '../aggregate/rolling';
import type { Fence } from '../fence';
import type { Probe, StreamPosition } from './history';

/** Dead letters allowed to wait for Redis before reading pauses. */
const MAX_DEAD_BACKLOG = 20_000;

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

  constructor(agg: Aggregator, redis: Redis, connectBlocking: () => Redis, opts: IngestOptions, now: () => number, log: Logger) {
    this.#agg = agg;
    this.#opts = opts;
    this.#now = now;
    this.#dead = new DeadLetterWriter(redis, opts.keys, opts.fence, log);
    this.#kinds = streamKinds(opts.keys);
    this.#status.staleSinceMs = now();
    const { orders, logistics, weather, payments, traffic } = opts.keys;
    const keys = [orders, logistics, weather, payments, traffic];
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
        onEntries: (key, entries) => this.#onEntries(key, entries),
        onStatus: (ok) => this.#onStatus(ok),
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
    const k = this.#opts.keys;
    const [o, l, w, p, t] = this.#reader.cursors;
    return { [k.orders]: o!, [k.logistics]: l!, [k.weather]: w!, [k.payments]: p!, [k.traffic]: t! };
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

  #onEntries(key: string, entries: RawEntries): void {
    this.entriesRead += entries.length;
    this.#readRate.add(this.#now(), entries.length);
    const kind = this.#kinds.get(key);
    if (kind === undefined) return;
    const k = this.#opts.keys;
    for (const [id, fields] of entries) applyEntry(this.#agg, kind, key, id, fields ?? [], this.#opts.decode, this);
    const newest = entryTimeMs(entries[entries.length - 1]![0]);
    if (key === k.orders) this.#status.newestOrderEntryMs = newest;
    // Behind the tail when the read came back full; the status shows the stream furthest behind.
    this.#lagByStream.set(key, entries.length >= this.#opts.count ? Math.max(0, this.#now() - newest) : 0);
    this.#status.lagMs = Math.max(...this.#lagByStream.values());
    void this.#dead.flush();
  }

  /** Counts a rejection and queues its dead letter (see {@link Rejecter}). */
  reject(stream: string, entryId: string, fields: string[], rej: Rejection): void {
    this.#agg.reject(rej.code);
    if (this.#dead.alreadyWritten(stream, entryId)) return;
    // A batch item's letter carries just that item: the whole batch would repeat per bad item.
    const original = rej.index !== undefined ? ['item', JSON.stringify(rej.item) ?? 'null'] : fields;
    this.#dead.add({ stream, entryId, rejection: rej, fields: original });
  }
}
