/**
 * The counting part of a process: what only the holder of the ingest lease runs. Before it takes
 * over it holds a placeholder (an empty aggregator whose checkpointer never saves: its save would
 * overwrite the checkpoint). `start()` resumes from the checkpoint as it stands now (the previous
 * owner's last), proves the streams' history, then reads, ticks and saves; `stop()` stops all that,
 * the final save last.
 *
 *   const counting = new Counting({ config, event, redis, lease, alarms, epoch, publisher, ... });
 *   await counting.start();   // once the lease is ours (ownership.ts)
 *   counting.aggregator;      // the aggregator counting now (replaced by start())
 *   await counting.stop();    // lease lost, takeover failed, or closing
 */
import { Aggregator } from './aggregate/aggregator';
import { Ingest } from './ingest/ingest';
import { defaultDecodeOptions } from './ingest/decode';
import { streamKinds } from './ingest/apply';
import type { StreamPosition } from './ingest/history';
import { HistoryWatch, savedSource, startPositions } from './ingest/history-watch';
import { Checkpointer, CheckpointError, checkpointKeys, type CheckpointKeys, type SavedCheckpoint } from './checkpoint';
import { CheckpointWatch } from './checkpoint-watch';
import { resume } from './resume';
import { publishTopology, UNSHARDED } from './topology';
import { streamKeys, whenReachable, whenReachableOn, type StreamKeys } from './redis';
import type { Connections } from './connections';
import type { AlarmBoard, RaiseAlarm } from './alarms';
import type { Epoch } from './epoch';
import type { Lease } from './lease';
import type { Publisher } from './publish/publisher';
import type { EventDefinition } from './event';
import type { ServerConfig } from './config';
import type { Logger } from './log';

export interface CountingOptions {
  config: Pick<
    ServerConfig,
    | 'keyPrefix'
    | 'alertDefaultTtlMs'
    | 'dedupeWindowMs'
    | 'newEpoch'
    | 'readCount'
    | 'readBlockMs'
    | 'maxEntryBytes'
    | 'maxFutureMs'
    | 'historyCheckMs'
    | 'checkpointIntervalMs'
  >;
  event: EventDefinition;
  redis: Pick<Connections, 'main' | 'checkpoint' | 'reader'>;
  /** Fences every write; counting stops at once if it is lost while starting. */
  lease: Pick<Lease, 'role' | 'fence'>;
  alarms: AlarmBoard;
  epoch: Epoch;
  /** Ticks to the screens: started with counting, stopped with it. */
  publisher: Pick<Publisher, 'start' | 'stop'>;
  /** Found before counting (garbage in the admin overrides): raised once the saved alarms are back. */
  startAlarms: RaiseAlarm[];
  /** Appends to the audit stream (a new epoch set by `WARROOM_NEW_EPOCH`). */
  audit(action: string, old: unknown, next: unknown): Promise<void>;
  /** Aborted when the process closes: a start still loading starts nothing. */
  signal: AbortSignal;
  now: () => number;
  log: Logger;
}

export class Counting {
  readonly #o: CountingOptions;
  readonly #keys: StreamKeys;
  /** The source streams, in reading order. */
  readonly #sources: string[];
  readonly #ckptKeys: CheckpointKeys;
  #aggregator: Aggregator;
  #checkpointer: Checkpointer;
  #ingest: Ingest | undefined;
  /** Where reading starts: a checkpoint's cursors and counts, until ingest runs and knows better. */
  #start: Record<string, StreamPosition>;
  #history: HistoryWatch | undefined;
  #historyTimer: NodeJS.Timeout | undefined;
  #watch: CheckpointWatch | undefined;
  /** Saves the alarm board at once; set once counting has started (before, a save would overwrite the checkpoint being loaded). */
  #persistAlarms = (): void => undefined;

  constructor(o: CountingOptions) {
    this.#o = o;
    this.#keys = streamKeys(o.config.keyPrefix);
    this.#sources = [...streamKinds(this.#keys).keys()];
    this.#start = startPositions(this.#sources);
    this.#ckptKeys = checkpointKeys(o.config.keyPrefix);
    this.#aggregator = this.#makeAggregator();
    this.#checkpointer = this.#makeCheckpointer(this.#aggregator);
    o.alarms.listen(() => this.#persistAlarms());
  }

  /** The aggregator counting now: a placeholder until start() replaces it. */
  get aggregator(): Aggregator {
    return this.#aggregator;
  }

  get checkpointer(): Checkpointer {
    return this.#checkpointer;
  }

  /** The stream reader; undefined until counting has started. */
  get ingest(): Ingest | undefined {
    return this.#ingest;
  }

  /** Holding the lease with ingest running: this process has figures to show. */
  get live(): boolean {
    return this.#o.lease.role === 'owner' && this.#ingest !== undefined;
  }

  /**
   * Starts counting once the lease is ours. Throws when the saved state must not be counted on
   * (resume.ts). Closed meanwhile (the signal), it starts nothing and reports nothing.
   */
  async start(): Promise<void> {
    try {
      await this.#takeOver();
    } catch (e) {
      if (!this.#o.signal.aborted) throw e;
    }
  }

  async #takeOver(): Promise<void> {
    const { config, alarms, signal, log } = this.#o;
    const resumed = await this.#resume();
    if (signal.aborted) return; // closed while loading: start nothing
    this.#aggregator = resumed.aggregator;
    this.#checkpointer = resumed.checkpointer;
    if (resumed.epoch !== null) this.#o.epoch.resume(resumed.epoch);
    this.#start = startPositions(this.#sources, resumed.saved ?? undefined);
    await this.#publishTopology(); // only a start that resumed gets this far
    if (signal.aborted) return;
    for (const a of this.#o.startAlarms) alarms.raise(a);
    const history = this.#watchHistory(resumed.saved);
    this.#history = history;
    await whenReachable('checking stream history', () => history.checkBeforeReading(this.#start), log, undefined, signal);
    if (signal.aborted) return;
    const ingest = this.#makeIngest(history);
    this.#historyTimer = setInterval(() => void history.check().catch(() => undefined), config.historyCheckMs);
    await ingest.start();
    if (signal.aborted) {
      // Closed while the reader started: it stops again, and nothing else starts or saves.
      clearInterval(this.#historyTimer);
      return ingest.stop();
    }
    this.#ingest = ingest;
    this.#o.publisher.start();
    const checkpointer = this.#checkpointer;
    checkpointer.start(config.checkpointIntervalMs);
    this.#watch = new CheckpointWatch(checkpointer, alarms, this.#o.now);
    this.#watch.start();
    // From here on every alarm change is saved at once (twice: a save in flight was taken before
    // the change), so a crash right after an alarm cannot lose it. What was raised while starting
    // is saved before the server says it is up.
    // Deferred to the next turn: an alarm raised while a batch is being applied must not save the
    // aggregate ahead of the cursors, which move once the batch is done.
    this.#persistAlarms = () => void setImmediate(() => void checkpointer.save().then(() => checkpointer.save()));
    if (alarms.list().length > 0) await checkpointer.save();
    if (this.#o.lease.role !== 'owner') await this.stop(); // lost while loading
  }

  /** Nothing more is read, sent or saved (the writes are fenced anyway); the final save last. */
  async stop(): Promise<void> {
    clearInterval(this.#historyTimer);
    this.#watch?.stop();
    this.#o.publisher.stop();
    if (!this.#ingest) return; // nothing counted yet: the placeholder checkpointer must never save
    await this.#ingest.stop();
    await this.#checkpointer.stop(); // its final save is refused when the lease is lost: no token
  }

  /** `<prefix>topology`, where producers find the keys (server/topology.ts); retried while Redis is unreachable. */
  #publishTopology(): Promise<void> {
    const { redis, config, signal, log } = this.#o;
    const publish = () => publishTopology(redis.main, config.keyPrefix, UNSHARDED);
    return whenReachableOn(redis.main, 'publishing the topology', publish, log, undefined, signal);
  }

  #resume(): ReturnType<typeof resume> {
    const { redis, event, alarms, config, signal, now, log } = this.#o;
    return resume({
      redis: redis.checkpoint,
      keys: this.#ckptKeys,
      event,
      alarms,
      newEpoch: config.newEpoch,
      makeAggregator: () => this.#makeAggregator(),
      makeCheckpointer: (agg) => this.#makeCheckpointer(agg),
      reachable: (what, run) =>
        // A corrupt checkpoint is not an outage: resume() sets it aside.
        whenReachableOn(redis.checkpoint, what, run, log, (e) => e instanceof CheckpointError, signal),
      audit: (action, old, next) => this.#o.audit(action, old, next),
      now,
      log,
    });
  }

  #makeAggregator(): Aggregator {
    const { event, config } = this.#o;
    return new Aggregator({
      seriesStartMs: event.t0Ms - 5 * 60_000,
      milestonesMinor: event.milestonesMinor,
      alertDefaultTtlMs: config.alertDefaultTtlMs,
      dedupeWindowMs: config.dedupeWindowMs,
      flashSkus: event.flashSkus,
      lastYearMinor: event.lastYearMinor,
    });
  }

  #makeCheckpointer(agg: Aggregator): Checkpointer {
    const { redis, epoch, alarms, event, lease, now, log } = this.#o;
    // Saved with the aggregate: where ingest stands, read at the same instant.
    const source = () => savedSource(this.#ingest ? this.#ingest.positions() : this.#start, this.#history?.marker ?? null);
    // The checkpoint carries the alarm board and the currency its amounts are in.
    const meta = () => ({ alarms: alarms.state(), currency: { code: event.currency, minorDigits: event.minorDigits } });
    return new Checkpointer(redis.checkpoint, this.#ckptKeys, agg, source, () => epoch.id, now, log, lease.fence(), meta);
  }

  /** Redis emptied, came back without what we counted, or trimmed what we had not read: alarm, new epoch. */
  #watchHistory(saved: SavedCheckpoint | null): HistoryWatch {
    const { redis, config, alarms } = this.#o;
    return new HistoryWatch({
      redis: redis.main,
      keys: this.#sources,
      markerKey: `${config.keyPrefix}marker`,
      expectMarker: saved?.marker ?? null,
      firstPhase: saved ? 'resume' : 'recount',
      readCount: config.readCount,
      probeSoon: () => this.#ingest?.probeSoon(),
      setCounted: (key, cursor, n) => this.#ingest?.setCounted(key, cursor, n),
      raise: (a) => void alarms.raise(a),
      onLost: () => this.#aggregator.needFullSave(),
    });
  }

  #makeIngest(history: HistoryWatch): Ingest {
    const { redis, config, event, alarms, lease, now, log } = this.#o;
    return new Ingest(
      this.#aggregator,
      redis.main,
      redis.reader,
      {
        keys: this.#keys,
        fence: lease.fence(),
        start: this.#start,
        decode: { ...defaultDecodeOptions, minorDigits: event.minorDigits, maxEntryBytes: config.maxEntryBytes },
        maxFutureMs: config.maxFutureMs,
        // One alarm per kind and stream while it is on the board; ingest says when the cause persists.
        onAlarm: (a) => void (alarms.has(a.kind, a.stream) || alarms.raise(a)),
        blockMs: config.readBlockMs,
        count: config.readCount,
        onRecovered: () => void history.check().catch((e) => log.warn(`history check failed: ${(e as Error).message}`)),
        onProbe: (at, probes) => history.judge(at, probes),
      },
      now,
      log,
    );
  }
}
