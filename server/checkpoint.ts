/**
 * Checkpoints: the aggregate state saved to Redis atomically with the stream cursors (one fenced
 * Lua batch, fence.ts: written only while this process's lease token is current), so a restart or
 * a takeover resumes exactly where the checkpoint stands: what was applied after it is read and
 * applied again, and nothing before it twice (state + source offset in one snapshot).
 *
 * Keys: `<prefix>ckpt` (JSON: epoch, cursors with their counts, the Redis marker, aggregate state),
 * `<prefix>ckpt:series` (hash of 5-minute chunks, only changed ones written), `<prefix>ckpt:ids:<stream>:<generation>` (a list: the
 * dedupe window's 128-bit id hashes, one element of new hashes per checkpoint; a list rather than
 * APPEND, which makes Redis reallocate and copy a string of tens of MB every second), and
 * `<prefix>ckpt:tags:<stream>:<generation>` (for a stream whose window keeps tags, the orders: a list beside it, one element of 32-bit amount tags per
 * element of hashes, pushed in the same batch; absent in checkpoints written before tags were kept,
 * whose ids then count as plain retries). Replaying the batch after a reconnect does no harm: the
 * state is overwritten and a hash pushed twice is absorbed by the set it is loaded into.
 */
import type { Redis } from 'ioredis';
import type { Aggregator } from './aggregate/aggregator';
import type { AggregateState, DedupeBlobs } from './aggregate/state';
import type { SeriesChunk } from './aggregate/series';
import { aggregateProblem } from './aggregate/state-check';
import { upgradeAggregate } from './aggregate/state-upgrade';
import { DEDUPE_STREAMS, tagged, type DedupeStream } from './streams';
import type { Alarm } from '../shared/wire';
import type { Logger } from './log';
import { FencedBatch, type Fence } from './fence';
import { isRecord } from '../shared/dict';

export interface CheckpointKeys {
  state: string;
  series: string;
  ids(stream: DedupeStream, gen: number): string;
  /** The tags of the ids of `ids(stream, gen)`, element by element. */
  tags(stream: DedupeStream, gen: number): string;
}

export function checkpointKeys(prefix: string): CheckpointKeys {
  return {
    state: `${prefix}ckpt`,
    series: `${prefix}ckpt:series`,
    ids: (stream, gen) => `${prefix}ckpt:ids:${stream}:${gen}`,
    tags: (stream, gen) => `${prefix}ckpt:tags:${stream}:${gen}`,
  };
}

/** The JSON saved under `<prefix>ckpt`. */
export interface SavedCheckpoint {
  /** The envelope's format; the aggregate inside has its own version (aggregate/state.ts). */
  version: 1;
  epoch: string;
  savedAtMs: number;
  /** The fencing token of the process that wrote it (absent in checkpoints from before the lease). */
  fence?: number;
  /** Stream key → last entry ID applied. */
  cursors: Record<string, string>;
  /** Stream key → entries accounted for up to the cursor (ingest/history.ts); absent when unknown and in older checkpoints. */
  counted?: Record<string, number>;
  /** The Redis marker it was saved under (ingest/marker.ts); absent in older checkpoints. */
  marker?: string;
  aggregate: AggregateState;
  /** The alarm board (absent in checkpoints from before alarms were saved). */
  alarms?: Alarm[];
  /** What the amounts are in; a restart with another currency refuses to mix them (absent in old checkpoints). */
  currency?: SavedCurrency;
}

export interface SavedCurrency {
  code: string;
  minorDigits: number;
}

/** What a checkpoint carries besides the aggregate: the alarm board and the currency. */
export type CheckpointMeta = Pick<SavedCheckpoint, 'alarms' | 'currency'>;

/** Where warroom stands in Redis, saved with the aggregate: read at the same instant as the aggregate. */
export type SavedSource = Pick<SavedCheckpoint, 'cursors' | 'counted' | 'marker'>;

export interface LoadedCheckpoint {
  saved: SavedCheckpoint;
  seriesChunks: Map<number, SeriesChunk>;
  blobs: DedupeBlobs;
}

export class CheckpointError extends Error {}

const ENTRY_ID = /^\d{1,16}-\d{1,16}$|^0$/;

/** Checks the shape of a saved checkpoint (our own data, but a trust boundary all the same). */
export function parseCheckpoint(text: string): SavedCheckpoint {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new CheckpointError('checkpoint is not JSON');
  }
  if (!isRecord(v) || v.version !== 1) throw new CheckpointError('checkpoint has an unknown version');
  if (typeof v.epoch !== 'string' || typeof v.savedAtMs !== 'number') throw new CheckpointError('checkpoint lacks epoch or savedAtMs');
  if (!isRecord(v.cursors) || !Object.values(v.cursors).every((c) => typeof c === 'string' && ENTRY_ID.test(c))) {
    throw new CheckpointError('checkpoint cursors are not stream entry IDs');
  }
  if (
    v.counted !== undefined &&
    !(isRecord(v.counted) && Object.values(v.counted).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
  ) {
    throw new CheckpointError('checkpoint counts are not whole numbers');
  }
  if (v.marker !== undefined && typeof v.marker !== 'string') throw new CheckpointError('checkpoint marker is not a string');
  // An aggregate of an older format is brought up to the current one first (aggregate/state-upgrade.ts).
  const a = upgradeAggregate(v.aggregate);
  if (typeof a === 'string') throw new CheckpointError(`checkpoint ${a}`);
  // Valid JSON with a wrong type deep inside is as corrupt as torn JSON.
  const problem = aggregateProblem(a);
  if (problem) throw new CheckpointError(`checkpoint ${problem}`);
  v.aggregate = a;
  const c = v.currency;
  if (c !== undefined && !(isRecord(c) && typeof c.code === 'string' && typeof c.minorDigits === 'number'))
    throw new CheckpointError('checkpoint currency is malformed');
  return v as unknown as SavedCheckpoint;
}

function toWords(buf: Buffer | null): Uint32Array | null {
  if (!buf || buf.length === 0) return null;
  // Copy into an aligned buffer; a torn tail (not a whole 16-byte hash) is dropped.
  const whole = buf.length - (buf.length % 16);
  const ab = new ArrayBuffer(whole);
  new Uint8Array(ab).set(buf.subarray(0, whole));
  return new Uint32Array(ab);
}

const bytes = (w: Uint32Array): Buffer => Buffer.from(w.buffer, w.byteOffset, w.byteLength);

/**
 * The tags of a generation's hashes, aligned with them: element k of the tags list belongs to
 * element k of the hashes list counted from the end (a version without tags may have pushed the
 * first hash elements), and is used only when its length matches. Unmatched ids get tag 0 (unknown).
 */
export function alignTags(hashEls: Buffer[], tagEls: Buffer[]): Uint32Array | null {
  if (tagEls.length === 0) return null;
  const ids = hashEls.map((b) => Math.floor(b.length / 16));
  const total = ids.reduce((a, b) => a + b, 0);
  const tags = new Uint32Array(total);
  let end = total;
  for (let k = 1; k <= Math.min(hashEls.length, tagEls.length); k++) {
    const n = ids[ids.length - k]!;
    const t = tagEls[tagEls.length - k]!;
    if (t.length !== n * 4) break;
    end -= n;
    for (let i = 0; i < n; i++) tags[end + i] = t.readUInt32LE(i * 4);
  }
  return tags;
}

export class Checkpointer {
  readonly #redis: Redis;
  readonly #keys: CheckpointKeys;
  readonly #agg: Aggregator;
  readonly #source: () => SavedSource;
  readonly #epoch: () => string;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #fence: Fence;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<boolean> | null = null;
  /** Server time of the last checkpoint saved, and how long it took (for health and benchmarks). */
  lastSavedMs: number | null = null;
  lastSaveDurationMs: number | null = null;
  /** Longest save so far, and bytes written by the last one (JSON, series chunks and id hashes). */
  maxSaveDurationMs = 0;
  lastSaveBytes = 0;
  saves = 0;
  failures = 0;
  /**
   * Saves Redis refused in a row (an error reply such as OOM, READONLY, MISCONF) since the last good
   * one, since when, and why (for the alarm). A lost connection does not count: health shows the
   * outage already, and nothing is refused.
   */
  consecutiveFailures = 0;
  failingSinceMs: number | null = null;
  lastError: string | null = null;
  readonly #meta: () => CheckpointMeta;

  /**
   * @param redis a connection without an offline queue: during an outage a save fails at once instead of piling up
   * @param source where ingest stands (cursors, counts, marker), read at the same instant as the aggregate
   * @param fence saves are written only while it holds this process's token (none without one)
   * @param meta what the saved JSON carries besides the aggregate (alarms, currency)
   */
  constructor(
    redis: Redis,
    keys: CheckpointKeys,
    agg: Aggregator,
    source: () => SavedSource,
    epoch: () => string,
    now: () => number,
    log: Logger,
    fence: Fence,
    meta: () => CheckpointMeta = () => ({}),
  ) {
    this.#redis = redis;
    this.#keys = keys;
    this.#agg = agg;
    this.#source = source;
    this.#epoch = epoch;
    this.#now = now;
    this.#log = log;
    this.#meta = meta;
    this.#fence = fence;
  }

  /** Reads the saved checkpoint; null when there is none. Throws {@link CheckpointError} on a bad one. */
  async load(): Promise<LoadedCheckpoint | null> {
    const text = await this.#redis.get(this.#keys.state);
    if (text === null) return null;
    const saved = parseCheckpoint(text);
    const raw = await this.#redis.hgetall(this.#keys.series);
    const seriesChunks = new Map<number, SeriesChunk>();
    for (const [k, v] of Object.entries(raw)) {
      try {
        // Kept whatever its shape: the caller checks it (a wrong type makes the checkpoint corrupt).
        seriesChunks.set(Number(k), JSON.parse(v) as SeriesChunk);
      } catch {
        this.#log.warn(`checkpoint series chunk ${k} is not JSON; those seconds start empty`);
      }
    }
    const blob = async (stream: DedupeStream, gen: number | null): Promise<{ words: Uint32Array | null; tags: Uint32Array | null }> => {
      if (gen === null) return { words: null, tags: null };
      const els = await this.#redis.lrangeBuffer(this.#keys.ids(stream, gen), 0, -1);
      const tagEls = tagged(stream) ? await this.#redis.lrangeBuffer(this.#keys.tags(stream, gen), 0, -1) : [];
      return { words: toWords(Buffer.concat(els)), tags: alignTags(els, tagEls) };
    };
    const blobs: DedupeBlobs = {};
    for (const s of DEDUPE_STREAMS) {
      const d = saved.aggregate.dedupe[s];
      if (!d) continue;
      const cur = await blob(s, d.gen);
      const prev = await blob(s, d.previousGen);
      blobs[s] = { current: cur.words, previous: prev.words, currentTags: cur.tags, previousTags: prev.tags };
    }
    return { saved, seriesChunks, blobs };
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.save(), intervalMs);
  }

  /** Stops the timer and saves once more (a clean shutdown loses no re-reading time). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#saving;
    await this.save();
  }

  /** Saves one checkpoint; concurrent calls share the one in flight. Resolves false when it failed. */
  save(): Promise<boolean> {
    this.#saving ??= this.#save().finally(() => {
      this.#saving = null;
    });
    return this.#saving;
  }

  async #save(): Promise<boolean> {
    const token = this.#fence.token();
    if (this.#redis.status !== 'ready' || token === null) return false;
    const started = this.#now();
    // Taken synchronously: the aggregate and the cursors are consistent between two stream reads.
    const cp = this.#agg.checkpoint();
    const saved: SavedCheckpoint = {
      version: 1,
      epoch: this.#epoch(),
      savedAtMs: started,
      fence: token,
      ...this.#source(),
      aggregate: cp.state,
      ...this.#meta(),
    };
    const m = new FencedBatch(this.#fence.key, token);
    const json = JSON.stringify(saved);
    let size = json.length;
    m.set(this.#keys.state, json);
    if (cp.seriesChunks.size > 0) {
      const fields: string[] = [];
      for (const [k, c] of cp.seriesChunks) fields.push(String(k), JSON.stringify(c));
      for (const f of fields) size += f.length;
      m.hset(this.#keys.series, ...fields);
    }
    for (const stream of DEDUPE_STREAMS) {
      const j = cp.journals[stream];
      if (j === undefined) continue;
      for (const seg of j.segments) {
        size += seg.words.byteLength + (seg.tags?.byteLength ?? 0);
        if (j.replace) m.del(this.#keys.ids(stream, seg.gen), this.#keys.tags(stream, seg.gen));
        if (seg.words.length > 0) m.rpush(this.#keys.ids(stream, seg.gen), bytes(seg.words));
        // One tags element per hashes element, so the loader can pair them.
        if (seg.tags && seg.words.length > 0) m.rpush(this.#keys.tags(stream, seg.gen), bytes(seg.tags));
      }
      for (const gen of j.dropped) m.del(this.#keys.ids(stream, gen), this.#keys.tags(stream, gen));
    }
    try {
      if (!(await m.exec(this.#redis))) {
        this.#fence.refused();
        throw new Error(`refused: fencing token ${token} is not the current one`);
      }
      this.lastSavedMs = started;
      this.lastSaveDurationMs = this.#now() - started;
      this.maxSaveDurationMs = Math.max(this.maxSaveDurationMs, this.lastSaveDurationMs);
      this.lastSaveBytes = size;
      this.saves++;
      this.consecutiveFailures = 0;
      this.failingSinceMs = null;
      return true;
    } catch (e) {
      this.failures++;
      // A refused MULTI says EXECABORT; the reason (e.g. OOM under maxmemory) is in the queued command's error.
      const err = e as Error & { previousErrors?: Error[] };
      if (err.name === 'ReplyError') {
        this.lastError = err.previousErrors?.[0]?.message ?? err.message;
        this.consecutiveFailures++;
        this.failingSinceMs ??= started;
      }
      this.#agg.checkpointFailed(cp);
      this.#log.warn(`checkpoint not saved, will retry: ${(e as Error).message}`);
      return false;
    }
  }
}
