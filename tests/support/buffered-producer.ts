/**
 * A producer that does what docs/ingest.md asks of one: every order carries `ts`, the time it
 * happened. While Redis is away it keeps the orders in memory and goes on; once Redis answers it
 * writes the whole buffer at once (XADD with `*`, so the entry IDs are after the outage: the
 * catch-up burst). Orders are spread evenly in event time, `ratePerSec` of them per second.
 */
import { Redis } from 'ioredis';

export interface BufferedProducerOptions {
  redisUrl: string;
  ratePerSec: number;
  prefix?: string;
  /** Distinguishes ids between producers. @default 'bp' */
  idPrefix?: string;
}

export class BufferedProducer {
  /** Distinct orders created (each written until acknowledged) and their GMV in minor units. */
  readonly ledger = { orders: 0, gmvMinor: 0n };
  /** Orders created per second of event time (seconds since the epoch → count). */
  readonly perSecond = new Map<number, number>();
  /** The largest number of orders waiting at once (the buffer's high water). */
  maxBuffered = 0;
  readonly #redis: Redis;
  readonly #o: Required<BufferedProducerOptions>;
  #buffer: { id: string; amount: string; ts: number }[] = [];
  #n = 0;
  #running = false;
  #done: Promise<void> | null = null;

  constructor(o: BufferedProducerOptions) {
    this.#o = { prefix: 'wr:', idPrefix: 'bp', ...o };
    // No offline queue and no resend: a write fails at once while Redis is away, and this producer
    // keeps the order itself.
    this.#redis = new Redis(o.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => 100,
    });
    this.#redis.on('error', () => undefined);
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  start(): void {
    this.#running = true;
    this.#done = this.#loop();
  }

  /** Stops creating orders and writes what is left (waits for Redis). */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
    while (this.#buffer.length > 0) {
      if (!(await this.#flush())) await new Promise((r) => setTimeout(r, 100));
    }
    this.#redis.disconnect();
  }

  async #loop(): Promise<void> {
    // Orders are created on a fixed grid of event time (one every 1000 / rate ms), whatever the
    // event loop's hiccups, so each second holds the rate exactly.
    const every = 1000 / this.#o.ratePerSec;
    let next = Math.ceil(Date.now() / every) * every;
    while (this.#running) {
      const now = Date.now();
      for (; next <= now; next += every) this.#create(Math.floor(next));
      this.maxBuffered = Math.max(this.maxBuffered, this.#buffer.length);
      if (this.#buffer.length > 0) await this.#flush();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #create(ts: number): void {
    const minor = 100 + ((this.#n * 7919) % 100_000);
    const id = `${this.#o.idPrefix}-${++this.#n}`;
    this.#buffer.push({ id, amount: `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`, ts });
    this.ledger.orders++;
    this.ledger.gmvMinor += BigInt(minor);
    const sec = Math.floor(ts / 1000);
    this.perSecond.set(sec, (this.perSecond.get(sec) ?? 0) + 1);
  }

  /** Writes the buffer; keeps what was not acknowledged. True when all went. */
  async #flush(): Promise<boolean> {
    const batch = this.#buffer;
    this.#buffer = [];
    const k = `${this.#o.prefix}orders`;
    const p = this.#redis.pipeline();
    for (const o of batch) p.xadd(k, '*', 'id', o.id, 'amount', o.amount, 'ts', String(o.ts));
    let failed: typeof batch;
    try {
      const res = (await p.exec()) ?? [];
      failed = batch.filter((_, i) => !res[i] || res[i]![0]);
    } catch {
      failed = batch;
    }
    // A write whose reply was lost may have landed: sent again, the server counts the id once.
    this.#buffer = [...failed, ...this.#buffer];
    return failed.length === 0;
  }
}
