/**
 * A producer for fault tests with an independent ledger: single and batched entries, some ids
 * deliberately sent twice (a retried XADD), every write retried until Redis acknowledges it.
 * The ledger counts distinct ids, so "exact" means integer equality with it.
 */
import { Redis } from 'ioredis';
import { rng } from '../../server/simulate/profile';

export interface FeedLedger {
  orders: number;
  gmvMinor: bigint;
  /** Entries (or batch items) written with an id already written: the server must count each once. */
  duplicatesWritten: number;
  entries: number;
}

export interface FeedOptions {
  redisUrl: string;
  prefix?: string;
  /** Orders per second to aim for. */
  ratePerSec: number;
  /** Share of orders sent as batched entries of 100. @default 0.5 */
  batchedShare?: number;
  /** Share of orders sent again with the same id. @default 0.02 */
  retryShare?: number;
  seed?: number;
}

export class Feed {
  readonly ledger: FeedLedger = { orders: 0, gmvMinor: 0n, duplicatesWritten: 0, entries: 0 };
  readonly #redis: Redis;
  readonly #o: Required<FeedOptions>;
  #n = 0;
  readonly #rand: () => number;
  #running = false;
  #done: Promise<void> | null = null;
  /** Write attempts that failed and were retried. */
  retries = 0;

  constructor(o: FeedOptions) {
    this.#o = { prefix: 'wr:', batchedShare: 0.5, retryShare: 0.02, seed: 7, ...o };
    // No offline queue and no automatic resend: this producer retries itself, like a real one.
    this.#redis = new Redis(o.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => 100,
    });
    this.#redis.on('error', () => undefined);
    this.#rand = rng(this.#o.seed);
  }

  start(): void {
    this.#running = true;
    this.#done = this.#loop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
    this.#redis.disconnect();
  }

  async #loop(): Promise<void> {
    const stepMs = 20;
    let carry = 0;
    while (this.#running) {
      const started = Date.now();
      const want = (this.#o.ratePerSec * stepMs) / 1000 + carry;
      const n = Math.floor(want);
      carry = want - n;
      await this.#writeStep(n);
      await new Promise((r) => setTimeout(r, Math.max(0, stepMs - (Date.now() - started))));
    }
  }

  async #writeStep(n: number): Promise<void> {
    const single: [string, string][] = [];
    const batch: { id: string; amount: string }[] = [];
    let dupSingle = 0;
    let dupBatch = 0;
    let gmv = 0n;
    for (let i = 0; i < n; i++) {
      const id = `f${this.#o.seed}-${++this.#n}`;
      const minor = 1 + Math.floor(this.#rand() * 1_000_000);
      const amount = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
      gmv += BigInt(minor);
      const retry = this.#rand() < this.#o.retryShare;
      if (this.#rand() < this.#o.batchedShare) {
        batch.push({ id, amount });
        if (retry) {
          batch.push({ id, amount });
          dupBatch++;
        }
      } else {
        single.push([id, amount]);
        if (retry) {
          single.push([id, amount]);
          dupSingle++;
        }
      }
    }
    const k = `${this.#o.prefix}orders`;
    type Write = (p: ReturnType<Redis['pipeline']>) => void;
    let pending: Write[] = single.map(
      ([id, amount]) =>
        (p) =>
          void p.xadd(k, '*', 'id', id, 'amount', amount),
    );
    for (let i = 0; i < batch.length; i += 100) {
      const chunk = JSON.stringify(batch.slice(i, i + 100));
      pending.push((p) => void p.xadd(k, '*', 'batch', chunk));
    }
    // Every write is retried until acknowledged. A write whose reply was lost is written again:
    // exactly the retried XADD the server must count once (so those add to the duplicates seen).
    while (pending.length > 0) {
      const p = this.#redis.pipeline();
      for (const w of pending) w(p);
      let failed: Write[];
      try {
        const res = (await p.exec()) ?? [];
        failed = pending.filter((_, i) => res[i]?.[0]);
      } catch {
        failed = pending;
      }
      this.ledger.entries += pending.length - failed.length;
      if (failed.length > 0) {
        this.retries += failed.length;
        if (!this.#running && this.retries > 1e6) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      pending = failed;
    }
    this.ledger.orders += n;
    this.ledger.gmvMinor += gmv;
    this.ledger.duplicatesWritten += dupSingle + dupBatch;
  }
}
