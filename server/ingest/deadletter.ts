/**
 * Writes rejected entries to the dead-letter stream with their reason and original fields.
 * Each flush is one MULTI that also records, per source stream, the last entry dead-lettered,
 * so re-reading history after a restart does not write the same rejection twice.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { compareEntryIds, type StreamKeys } from '../redis';
import type { Rejection } from './decode';

export interface DeadLetter {
  stream: string;
  entryId: string;
  rejection: Rejection;
  /** Original fields (for a batch item: just that item, as JSON). */
  fields: string[];
}

/** Entries kept in the dead-letter stream at most (approximate trim). @default 1,000,000 */
export const DEAD_MAXLEN = 1_000_000;

export class DeadLetterWriter {
  readonly #redis: Redis;
  readonly #keys: StreamKeys;
  readonly #log: Logger;
  /** Per source stream, the last entry already written (loaded at start). */
  readonly #highWater = new Map<string, string>();
  #pending: DeadLetter[] = [];
  #flushing: Promise<void> = Promise.resolve();

  constructor(redis: Redis, keys: StreamKeys, log: Logger) {
    this.#redis = redis;
    this.#keys = keys;
    this.#log = log;
  }

  async loadHighWater(): Promise<void> {
    const hw = await this.#redis.hgetall(this.#keys.deadHighWater);
    for (const [k, v] of Object.entries(hw)) this.#highWater.set(k, v);
  }

  /** True when this entry was dead-lettered by an earlier run. */
  alreadyWritten(stream: string, entryId: string): boolean {
    const hw = this.#highWater.get(stream);
    return hw !== undefined && compareEntryIds(entryId, hw) <= 0;
  }

  add(d: DeadLetter): void {
    this.#pending.push(d);
  }

  /** Writes what is pending; failures are logged and the letters kept for the next flush. */
  flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#flushing;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#flushing.then(() => this.#write(batch));
    return this.#flushing;
  }

  async #write(batch: DeadLetter[]): Promise<void> {
    const m = this.#redis.multi();
    const last = new Map<string, string>();
    for (const d of batch) {
      const r = d.rejection;
      const head = ['stream', d.stream, 'entry', d.entryId, 'reason', `${r.code}: ${r.message}`, 'code', r.code];
      if (r.index !== undefined) head.push('index', String(r.index));
      m.xadd(this.#keys.dead, 'MAXLEN', '~', DEAD_MAXLEN, '*', ...head, ...d.fields);
      last.set(d.stream, d.entryId);
    }
    for (const [s, id] of last) m.hset(this.#keys.deadHighWater, s, id);
    try {
      await m.exec();
      for (const [s, id] of last) this.#highWater.set(s, id);
    } catch (e) {
      this.#log.warn(`dead-letter write failed, will retry: ${(e as Error).message}`);
      this.#pending = batch.concat(this.#pending);
    }
  }
}
