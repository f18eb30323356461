/**
 * The dedupe window: remembers ids so that a producer's retried XADD counts once.
 *
 * Two generations of id sets rotate every `windowMs` of entry time: an id is remembered for at
 * least `windowMs` and at most twice that. Lookups cost two set probes whatever the window.
 * A generation is a list of Sets because one V8 Set holds at most 2^24 entries; below that (the
 * usual case) it is a single Set, so a lookup is one or two native probes and no hashing in JS.
 * Memory grows with rate × window (measured in docs/decisions.md); past `maxIds` the window is
 * cut short early, and that is counted so health and screens can say so instead of hiding it.
 */
export interface DedupeOptions {
  /** How long an id is remembered at least, in entry time. @default 15 min */
  windowMs: number;
  /** Ids held at most across both generations; beyond it the window is shortened. @default 10,000,000 (about 600 MB) */
  maxIds?: number;
}

/** Entries per Set, under V8's limit of 2^24. */
const SET_LIMIT = 16_000_000;

const generation = (): Set<string>[] => [new Set<string>()];

function has(gen: Set<string>[], id: string): boolean {
  for (let i = 0; i < gen.length; i++) if (gen[i]!.has(id)) return true;
  return false;
}

export class DedupeWindow {
  readonly #windowMs: number;
  readonly #maxIds: number;
  #current = generation();
  #previous = generation();
  #currentSize = 0;
  #previousSize = 0;
  #startedMs = -Infinity;
  /** Rotations forced by `maxIds` before the window had passed (the window was shortened). */
  earlyRotations = 0;

  constructor(o: DedupeOptions) {
    this.#windowMs = o.windowMs;
    this.#maxIds = o.maxIds ?? 10_000_000;
  }

  /** True the first time `id` is seen within the window (count it); false for a duplicate. */
  admit(id: string, atMs: number): boolean {
    if (atMs - this.#startedMs >= this.#windowMs) this.#rotate(atMs);
    else if (this.#currentSize + this.#previousSize >= this.#maxIds) {
      this.earlyRotations++;
      this.#rotate(atMs);
    }
    if (has(this.#current, id) || (this.#previousSize > 0 && has(this.#previous, id))) return false;
    let last = this.#current[this.#current.length - 1]!;
    if (last.size >= SET_LIMIT) this.#current.push((last = new Set<string>()));
    last.add(id);
    this.#currentSize++;
    return true;
  }

  #rotate(atMs: number): void {
    // After a long idle gap the previous generation is older than the window too: drop both.
    const idle = atMs - this.#startedMs >= 2 * this.#windowMs;
    this.#previous = idle ? generation() : this.#current;
    this.#previousSize = idle ? 0 : this.#currentSize;
    this.#current = generation();
    this.#currentSize = 0;
    this.#startedMs = atMs;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#currentSize + this.#previousSize;
  }
}
