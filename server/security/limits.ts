/**
 * Token buckets per key (an IP, a credential, a username) with bounded memory: when the table is
 * full, the least recently used keys go first. A bucket refills `ratePerSec` and holds `burst`.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(ratePerSec: number, burst: number, now: () => number = Date.now, maxKeys = 50_000) {
    this.#rate = ratePerSec;
    this.#burst = burst;
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Takes `cost` tokens for `key`; false when there are not enough (the caller refuses). */
  take(key: string, cost = 1): boolean {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
      b = { tokens: this.#burst, atMs: now };
    } else {
      this.#buckets.delete(key); // re-insert: most recently used last
      b.tokens = Math.min(this.#burst, b.tokens + ((now - b.atMs) / 1000) * this.#rate);
      b.atMs = now;
    }
    this.#buckets.set(key, b);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }
}

/** Counts live connections per key, refusing past a bound. */
export class ConnectionCounter {
  readonly #counts = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  tryOpen(key: string): boolean {
    const n = this.#counts.get(key) ?? 0;
    if (n >= this.#max) return false;
    this.#counts.set(key, n + 1);
    return true;
  }

  close(key: string): void {
    const n = (this.#counts.get(key) ?? 0) - 1;
    if (n <= 0) this.#counts.delete(key);
    else this.#counts.set(key, n);
  }

  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
}
