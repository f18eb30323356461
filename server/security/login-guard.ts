/**
 * Sign-in failures per (address, username): a few free, then an exponential back-off. Keyed by
 * the pair, so an attacker guessing the admin's password from one address locks only that
 * address out of that account, never the admin signing in from elsewhere. A success clears the
 * pair; a pair quiet for a day is forgotten; memory is bounded (least recently used go first).
 */
export interface LoginGuardOptions {
  /** Failures allowed before the back-off starts. @default 5 */
  freeFailures?: number;
  /** The first wait; each further failure doubles it. @default 1 s */
  baseMs?: number;
  /** The longest wait. @default 15 min */
  maxMs?: number;
  maxKeys?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lastMs: number;
  /** No attempt before this time. */
  untilMs: number;
  /** `untilMs` before the last failure (to take back an attempt that was never checked). */
  prevUntilMs: number;
}

const FORGET_MS = 86400_000;

export class LoginGuard {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(o: LoginGuardOptions = {}) {
    this.#free = o.freeFailures ?? 5;
    this.#base = o.baseMs ?? 1000;
    this.#max = o.maxMs ?? 15 * 60_000;
    this.#maxKeys = o.maxKeys ?? 50_000;
    this.#now = o.now ?? Date.now;
  }

  #key = (address: string, username: string): string => `${address}\u0000${username}`;

  #entry(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && this.#now() - e.lastMs > FORGET_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** How long this pair must wait before its next attempt; 0 when it may try now. */
  waitMs(address: string, username: string): number {
    const e = this.#entry(this.#key(address, username));
    return e ? Math.max(0, e.untilMs - this.#now()) : 0;
  }

  /**
   * Counts a failure. Called *before* the password is checked, so guesses sent all at once cannot
   * slip through together; {@link succeeded} or {@link unchecked} settles it afterwards.
   */
  failed(address: string, username: string): void {
    const key = this.#key(address, username);
    const now = this.#now();
    const e = this.#entry(key) ?? { failures: 0, lastMs: now, untilMs: 0, prevUntilMs: 0 };
    e.prevUntilMs = e.untilMs;
    this.#entries.delete(key); // re-insert: most recently used last
    if (this.#entries.size >= this.#maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
    e.failures++;
    e.lastMs = now;
    const over = e.failures - this.#free;
    if (over >= 0) e.untilMs = now + Math.min(this.#max, this.#base * 2 ** Math.min(over, 30));
    this.#entries.set(key, e);
  }

  succeeded(address: string, username: string): void {
    this.#entries.delete(this.#key(address, username));
  }

  /** Takes back the last failure: the password was never checked (the server was too busy). */
  unchecked(address: string, username: string): void {
    const e = this.#entries.get(this.#key(address, username));
    if (!e || e.failures === 0) return;
    e.failures--;
    e.untilMs = e.prevUntilMs;
  }
}
