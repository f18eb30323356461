/**
 * The dedupe window: remembers ids so that a producer's retried XADD counts once.
 *
 * Two generations rotate every `windowMs` of entry time: an id is remembered for at least
 * `windowMs` and at most twice that, and a lookup costs one hash and two table probes whatever
 * the window. Ids are kept as 128-bit hashes in typed arrays (see `id-hash.ts`), not as strings:
 * 16–32 bytes per id and no garbage-collector work, which a Set of millions of strings costs.
 * Past `maxIds` the window is cut short early, and that is counted so health can say so.
 */
import { hashId, IdHashSet } from './id-hash';

export interface DedupeOptions {
  /** How long an id is remembered at least, in entry time. @default 15 min */
  windowMs: number;
  /** Ids held at most across both generations; beyond it the window is shortened. @default 20,000,000 (≤ 1.3 GB) */
  maxIds?: number;
}

export class DedupeWindow {
  readonly #windowMs: number;
  readonly #maxIds: number;
  #current = new IdHashSet();
  #previous = new IdHashSet(16);
  #startedMs = -Infinity;
  /** Rotations forced by `maxIds` before the window had passed (the window was shortened). */
  earlyRotations = 0;

  constructor(o: DedupeOptions) {
    this.#windowMs = o.windowMs;
    this.#maxIds = o.maxIds ?? 20_000_000;
  }

  /** True the first time `id` is seen within the window (count it); false for a duplicate. */
  admit(id: string, atMs: number): boolean {
    if (atMs - this.#startedMs >= this.#windowMs) this.#rotate(atMs);
    else if (this.#current.size + this.#previous.size >= this.#maxIds) {
      this.earlyRotations++;
      this.#rotate(atMs);
    }
    hashId(id);
    if (this.#previous.size > 0 && this.#previous.has()) return false;
    return this.#current.add();
  }

  #rotate(atMs: number): void {
    // After a long idle gap the previous generation is older than the window too: drop both.
    const idle = atMs - this.#startedMs >= 2 * this.#windowMs;
    const sized = this.#current.capacity;
    this.#previous = idle ? new IdHashSet(16) : this.#current;
    // The next generation starts at the size the last one reached: no doubling during a steady night.
    this.#current = new IdHashSet(idle ? undefined : sized);
    this.#startedMs = atMs;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
