/**
 * The read loop: blocking XREAD over several streams on its own connection. It owns its cursors
 * (with the count of entries accounted for beside each) and its connection, survives a failed read
 * (logs, backs off, goes on), and rebuilds the connection when a read outlives its block time plus
 * a grace (a half-open connection). On request, and after every failed read, one read is a probe
 * that also asks Redis about the streams' history at exactly the reader's position (history.ts).
 * After a failed read it also asks for a careful read (`recover`), which steps over an entry too
 * large to read: otherwise the same read would fail forever.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { probeStreams, type Probe } from './history';

/** One stream's entries from one read: [entryId, [field, value, ...]][] */
export type RawEntries = [string, string[]][];

export interface StreamReaderOptions {
  keys: string[];
  /** Starting cursor per key ("0" reads all that is retained). */
  cursors: string[];
  /** Per key, how many of the stream's entries up to the cursor are accounted for (null: unknown); see history.ts. */
  counted?: (number | null)[];
  blockMs: number;
  count: number;
  /** Extra time a read may take beyond `blockMs` before the watchdog abandons it. @default 2000 */
  graceMs?: number;
}

export interface ReaderEvents {
  /** Called with the entries of one read, in stream order, and the cursor they follow; cursors advance after it returns. */
  onEntries(key: string, entries: RawEntries, after: string): void;
  /** A read succeeded (`ok`) or failed. */
  onStatus(ok: boolean, error?: string): void;
  /** Backpressure: a promise to wait for before the next reply is applied (e.g. a dead-letter backlog). */
  settle?(): Promise<void> | undefined;
  /**
   * What a probe found (see {@link StreamReader.probeSoon}), per key in `keys` order, called while
   * the cursors and counts stand exactly where they stood when Redis ran it.
   */
  onProbe?(probes: Probe[]): void;
  /**
   * A read failed: read on carefully from these cursors (one per key), calling `advance` with the
   * new cursor and how many entries it stepped over, in the same tick as it applies entries of key
   * `i` (a checkpoint must never see the aggregate ahead of the cursors). Resolves true when it
   * moved a cursor; it must not throw.
   */
  recover?(cursors: readonly string[], advance: (i: number, cursor: string, entries: number) => void): Promise<boolean>;
}

/** One read's reply, and the probe that came with it. */
interface Read {
  reply: unknown;
  probes: Probe[] | null;
}

class WatchdogTimeout extends Error {}

export class StreamReader {
  readonly #connect: () => Redis;
  readonly #opts: Required<StreamReaderOptions>;
  readonly #events: ReaderEvents;
  readonly #log: Logger;
  #conn: Redis | null = null;
  #stopped = false;
  #done: Promise<void> | null = null;
  /** The next read goes with a probe; also after every failed read, so nothing is delivered after an outage before it. */
  #probeDue = false;
  /** Whether the read in flight was sent on a ready connection (else it failed unsent: nothing to read carefully). */
  #sentReady = false;
  readonly cursors: string[];
  /** Moves with the cursors: every entry delivered is one more accounted for. */
  readonly counted: (number | null)[];

  constructor(connect: () => Redis, opts: StreamReaderOptions, events: ReaderEvents, log: Logger) {
    this.#connect = connect;
    this.#opts = { ...opts, counted: opts.counted ?? opts.cursors.map((c) => (c === '0' ? 0 : null)), graceMs: opts.graceMs ?? 2000 };
    this.cursors = [...opts.cursors];
    this.counted = [...this.#opts.counted];
    this.#events = events;
    this.#log = log;
  }

  start(): void {
    this.#done ??= this.#loop();
  }

  /** Makes the next read a probe: XINFO STREAM of every key and the XREAD (not blocking) in one MULTI. */
  probeSoon(): void {
    this.#probeDue = true;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#conn?.disconnect();
    await this.#done;
  }

  async #loop(): Promise<void> {
    let backoffMs = 50;
    // Read-ahead: the next XREAD is sent before the current reply is applied, so Redis's round trip
    // overlaps our decoding instead of idling the loop (the cursors it needs are in the reply).
    let ahead: Promise<Read> | null = null;
    while (!this.#stopped) {
      try {
        this.#conn ??= this.#connect();
        const { reply, probes } = await (ahead ?? this.#readOnce(this.#conn, this.cursors));
        ahead = null;
        if (this.#stopped) break;
        this.#events.onStatus(true);
        backoffMs = 50;
        if (probes) this.#report(probes);
        if (reply) {
          ahead = this.#readOnce(this.#conn, this.#cursorsAfter(reply));
          ahead.catch(() => undefined); // its failure is handled where it is awaited
          this.#deliver(reply);
          const wait = this.#events.settle?.();
          if (wait) await wait;
        }
      } catch (e) {
        ahead = null;
        this.#probeDue = true;
        if (this.#stopped) break;
        const msg = (e as Error).message;
        this.#events.onStatus(false, msg);
        if (e instanceof WatchdogTimeout) {
          this.#log.warn(`stream read failed: ${msg}: rebuilding the connection`);
          this.#conn?.disconnect();
          this.#conn = null;
        }
        if (this.#sentReady && (await this.#recover())) {
          backoffMs = 50;
          continue; // moved on: try the plain read again at once
        }
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
    this.#conn?.disconnect();
    this.#conn = null;
  }

  /** Runs the careful read after a failure; true when a cursor moved. */
  async #recover(): Promise<boolean> {
    if (!this.#events.recover || this.#stopped) return false;
    return this.#events.recover([...this.cursors], (i, c, entries) => {
      this.cursors[i] = c;
      const n = this.counted[i];
      if (n !== null && n !== undefined) this.counted[i] = n + entries;
    });
  }

  /** The cursors as they will stand once `reply` is delivered. */
  #cursorsAfter(reply: unknown): string[] {
    const next = [...this.cursors];
    if (!Array.isArray(reply)) return next;
    for (const [key, entries] of reply as [string, RawEntries][]) {
      const idx = this.#opts.keys.indexOf(key);
      if (idx >= 0 && Array.isArray(entries) && entries.length > 0) next[idx] = entries[entries.length - 1]![0];
    }
    return next;
  }

  #report(probes: Probe[]): void {
    try {
      this.#events.onProbe?.(probes);
    } catch (e) {
      this.#log.error(`probe handler failed: ${(e as Error).stack ?? e}`);
    }
  }

  #readOnce(conn: Redis, cursors: string[]): Promise<Read> {
    const { keys, blockMs, count, graceMs } = this.#opts;
    this.#sentReady = conn.status === 'ready';
    const probe = this.#probeDue && this.#events.onProbe !== undefined;
    this.#probeDue = false;
    const read: Promise<Read> = probe
      ? probeStreams(conn, keys, cursors, count)
      : conn.call('XREAD', 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', ...keys, ...cursors).then((reply) => ({ reply, probes: null }));
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WatchdogTimeout(`no reply within ${blockMs + graceMs} ms`)), blockMs + graceMs);
    });
    return Promise.race([read, watchdog]).finally(() => clearTimeout(timer));
  }

  #deliver(reply: unknown): void {
    if (!Array.isArray(reply)) return;
    for (const item of reply as [string, RawEntries][]) {
      const [key, entries] = item;
      const idx = this.#opts.keys.indexOf(key);
      if (idx < 0 || !Array.isArray(entries) || entries.length === 0) continue;
      try {
        this.#events.onEntries(key, entries, this.cursors[idx]!);
      } catch (e) {
        // A bug in a handler must not stop ingest; the entries are skipped and said so loudly.
        this.#log.error(`handler failed on ${key}: ${(e as Error).stack ?? e}`);
      }
      this.cursors[idx] = entries[entries.length - 1]![0];
      const n = this.counted[idx];
      if (n !== null && n !== undefined) this.counted[idx] = n + entries.length;
    }
  }

  /** Sets the count of `key` (the history check learnt it), unless the cursor has moved from `cursor` since. */
  setCounted(key: string, cursor: string, counted: number | null): void {
    const idx = this.#opts.keys.indexOf(key);
    if (idx >= 0 && this.cursors[idx] === cursor) this.counted[idx] = counted;
  }
}
