/**
 * The dedupe window: remembers ids so that a producer's retried XADD counts once.
 *
 * Two generations rotate every `windowMs` of entry time: an id is remembered for at least
 * `windowMs` and at most twice that, and a lookup costs one hash and two table probes whatever
 * the window. Ids are kept as 128-bit hashes in typed arrays (see `id-hash.ts`), not as strings:
 * 16–32 bytes per id and no garbage-collector work, which a Set of millions of strings costs.
 * Past `maxIds` the window is cut short early, and that is counted so health can say so.
 *
 * For checkpoints, every hash added is also appended to a journal, tagged with its generation:
 * a checkpoint pushes the journal onto that generation's saved list, so saving costs what was added since
 * the last checkpoint, not the whole window.
 *
 * A window made `withTags` also keeps a 32-bit tag per id (the orders window: a tag of the first
 * amount), so a retry that carries another amount is told apart from a plain retry.
 */
import { hashId, IdHashSet, lanes } from './id-hash';

export interface DedupeOptions {
  /** How long an id is remembered at least, in entry time. @default 15 min */
  windowMs: number;
  /** Ids held at most across both generations; beyond it the window is shortened. @default 20,000,000 (≤ 1.3 GB) */
  maxIds?: number;
  /** Keep a tag per id (see {@link DedupeWindow.admitTagged}). @default false */
  withTags?: boolean;
}

/** What {@link DedupeWindow.admitTagged} found: a new id, a retry with the same tag, or a retry with another. */
export type Admission = 'new' | 'duplicate' | 'conflict';

/** What a checkpoint keeps of a window besides the hashes themselves. */
export interface DedupeState {
  /** Number of the current generation (one more per rotation). */
  gen: number;
  /** Number of the previous generation, or null when it was dropped (idle gap). */
  previousGen: number | null;
  /** Entry time the current generation started at; null before the first id (JSON has no -Infinity). */
  startedMs: number | null;
  earlyRotations: number;
}

/** Hashes added to one generation since the last checkpoint, 4 words per id. */
export interface JournalSegment {
  gen: number;
  words: Uint32Array;
  /** One tag per id, in the order of `words` (windows with tags only). */
  tags?: Uint32Array;
}

/** What a checkpoint writes of a window's hashes. */
export interface DedupeJournal {
  segments: JournalSegment[];
  /** Generations to delete. */
  dropped: number[];
  /** Overwrite each segment's blob instead of appending (a full re-save). */
  replace: boolean;
}

export class DedupeWindow {
  readonly #windowMs: number;
  readonly #maxIds: number;
  readonly #withTags: boolean;
  #current: IdHashSet;
  #previous: IdHashSet;
  #gen = 0;
  #previousGen: number | null = null;
  #startedMs = -Infinity;
  /** Rotations forced by `maxIds` before the window had passed (the window was shortened). */
  earlyRotations = 0;
  #journal = new Uint32Array(1 << 14);
  #journalLen = 0;
  #tagJournal: Uint32Array | null;
  #segments: JournalSegment[] = [];
  /** Generations no longer needed, for the next checkpoint to delete. */
  #dropped: number[] = [];
  #fullSave = false;

  constructor(o: DedupeOptions) {
    this.#windowMs = o.windowMs;
    this.#maxIds = o.maxIds ?? 20_000_000;
    this.#withTags = o.withTags ?? false;
    this.#current = this.#set();
    this.#previous = this.#set(16);
    this.#tagJournal = this.#withTags ? new Uint32Array(1 << 12) : null;
  }

  #set(capacity?: number): IdHashSet {
    return new IdHashSet(capacity, this.#withTags);
  }

  /** True the first time `id` is seen within the window (count it); false for a duplicate. */
  admit(id: string, atMs: number): boolean {
    return this.admitTagged(id, atMs, 0) === 'new';
  }

  /**
   * Like {@link admit}, keeping `tag` (non-zero) with a new id; a retry is a `conflict` when the id
   * came first with another tag. An id whose tag is unknown (0: restored from an older checkpoint)
   * is a plain duplicate.
   */
  admitTagged(id: string, atMs: number, tag: number): Admission {
    if (atMs - this.#startedMs >= this.#windowMs) this.#rotate(atMs);
    else if (this.#current.size + this.#previous.size >= this.#maxIds) {
      this.earlyRotations++;
      this.#rotate(atMs);
    }
    hashId(id);
    let seen = this.#previous.size > 0 ? this.#previous.get() : -1;
    if (seen < 0) seen = this.#current.addOrGet(tag);
    if (seen >= 0) return seen === 0 || seen === tag || tag === 0 ? 'duplicate' : 'conflict';
    this.#record(tag);
    return 'new';
  }

  #record(tag: number): void {
    if (this.#journalLen + 4 > this.#journal.length) {
      const bigger = new Uint32Array(this.#journal.length * 2);
      bigger.set(this.#journal);
      this.#journal = bigger;
    }
    this.#journal.set(lanes, this.#journalLen);
    if (this.#tagJournal) {
      if (this.#journalLen >> 2 >= this.#tagJournal.length) {
        const bigger = new Uint32Array(this.#tagJournal.length * 2);
        bigger.set(this.#tagJournal);
        this.#tagJournal = bigger;
      }
      this.#tagJournal[this.#journalLen >> 2] = tag;
    }
    this.#journalLen += 4;
  }

  #closeSegment(): void {
    if (this.#journalLen === 0) return;
    const seg: JournalSegment = { gen: this.#gen, words: this.#journal.slice(0, this.#journalLen) };
    if (this.#tagJournal) seg.tags = this.#tagJournal.slice(0, this.#journalLen >> 2);
    this.#segments.push(seg);
    this.#journalLen = 0;
  }

  #rotate(atMs: number): void {
    this.#closeSegment();
    // After a long idle gap the previous generation is older than the window too: drop both.
    const idle = atMs - this.#startedMs >= 2 * this.#windowMs;
    const sized = this.#current.capacity;
    if (this.#previousGen !== null) this.#dropped.push(this.#previousGen);
    if (idle) this.#dropped.push(this.#gen);
    this.#previous = idle ? this.#set(16) : this.#current;
    this.#previousGen = idle ? null : this.#gen;
    // The next generation starts at the size the last one reached: no doubling during a steady night.
    this.#current = this.#set(idle ? undefined : sized);
    this.#gen++;
    this.#startedMs = atMs;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  state(): DedupeState {
    return {
      gen: this.#gen,
      previousGen: this.#previousGen,
      startedMs: Number.isFinite(this.#startedMs) ? this.#startedMs : null,
      earlyRotations: this.earlyRotations,
    };
  }

  /**
   * Hashes added since the last call, by generation, and generations to delete; clears both.
   * After {@link needFullSave} it carries every hash held instead, with `replace` set: the saved
   * blobs are to be overwritten, not appended to.
   */
  takeJournal(): DedupeJournal {
    this.#closeSegment();
    let out: DedupeJournal;
    if (this.#fullSave) {
      const seg = (gen: number, set: IdHashSet): JournalSegment => {
        const { words, values } = set.dump();
        return values ? { gen, words, tags: values } : { gen, words };
      };
      const segments = [seg(this.#gen, this.#current)];
      if (this.#previousGen !== null) segments.push(seg(this.#previousGen, this.#previous));
      out = { segments, dropped: this.#dropped, replace: true };
      this.#fullSave = false;
    } else {
      out = { segments: this.#segments, dropped: this.#dropped, replace: false };
    }
    this.#segments = [];
    this.#dropped = [];
    return out;
  }

  /** Puts back a journal whose checkpoint failed, ahead of what was added since. */
  restoreJournal(j: DedupeJournal): void {
    if (j.replace) this.#fullSave = true;
    else this.#segments = j.segments.concat(this.#segments);
    this.#dropped = j.dropped.concat(this.#dropped);
  }

  /** The saved hashes were lost (Redis came back empty): the next journal re-saves them all. */
  needFullSave(): void {
    this.#fullSave = true;
  }

  /**
   * Rebuilds the window from a checkpoint: its state and the saved hashes of its two generations,
   * with their tags where saved (a tag of 0 means unknown).
   */
  restore(
    state: DedupeState,
    current: Uint32Array | null,
    previous: Uint32Array | null,
    currentTags: Uint32Array | null = null,
    previousTags: Uint32Array | null = null,
  ): void {
    this.#gen = state.gen;
    this.#previousGen = state.previousGen;
    this.#startedMs = state.startedMs ?? -Infinity;
    this.earlyRotations = state.earlyRotations;
    const words = (w: Uint32Array | null): number => (w ? w.length / 4 : 0);
    this.#current = this.#set(Math.max(1 << 16, 2 * words(current)));
    this.#previous = this.#set(Math.max(16, 2 * words(previous)));
    if (current) this.#current.addWords(current, currentTags);
    if (previous && state.previousGen !== null) this.#previous.addWords(previous, previousTags);
    this.#journalLen = 0;
    this.#segments = [];
    this.#dropped = [];
  }
}
