/**
 * Ids as 128-bit hashes in an open-addressing table of 32-bit words: no JS object per id, so a
 * window of millions of ids costs the garbage collector nothing and 16–32 bytes each.
 * Two different ids collide with probability about n²/2^129 (n = ids held): for 10^8 ids, 10^-23.
 */

/** The four 32-bit lanes of the last {@link hashId} call (module state avoids an allocation per id). */
export const lanes = new Uint32Array(4);

/** Hashes an id into {@link lanes}: four independently seeded multiply-xorshift lanes over its UTF-16 code units. */
export function hashId(s: string): void {
  let a = 0xdeadbeef ^ s.length;
  let b = 0x41c6ce57;
  let c = 0x9e3779b9;
  let d = 0x85ebca6b;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 2654435761);
    b = Math.imul(b ^ ch, 1597334677);
    c = Math.imul(c ^ ch, 0x85ebca77);
    d = Math.imul(d ^ ch, 0xc2b2ae3d);
  }
  // Final avalanche, each lane mixed with another so that all 128 bits depend on every character.
  a = Math.imul(a ^ (a >>> 16), 2246822507);
  a ^= Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  c = Math.imul(c ^ (c >>> 16), 0x7feb352d);
  c ^= Math.imul(d ^ (d >>> 15), 0x846ca68b);
  d = Math.imul(d ^ (d >>> 16), 0x7feb352d);
  d ^= Math.imul(c ^ (c >>> 15), 0x846ca68b);
  lanes[0] = a;
  lanes[1] = b;
  lanes[2] = c;
  lanes[3] = d;
}

/** Slots moved from the old table to the new one per add while growing. */
const MIGRATE_PER_ADD = 64;

/**
 * A set of 128-bit hashes. It grows without a pause: when half full it allocates a table twice as
 * large and moves the old slots over a few at a time on each add (as Redis rehashes its dicts), so
 * no single add stalls ingest for the whole rehash; lookups meanwhile check both tables.
 */
export class IdHashSet {
  #table: Uint32Array;
  #mask: number;
  #size = 0;
  /** The table being emptied into `#table` while growing, and how far the move has got (slot index). */
  #old: Uint32Array | null = null;
  #oldMask = 0;
  #moved = 0;

  /** @param capacity initial slots (default 2^20: 16 MiB), rounded up to a power of two */
  constructor(capacity = 1 << 20) {
    let cap = 1 << 4;
    while (cap < capacity) cap *= 2;
    this.#table = new Uint32Array(cap * 4);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Slots allocated (for sizing the next generation). */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** True when the hash in {@link lanes} is present. */
  has(): boolean {
    const a = keyA();
    if (find(this.#table, this.#mask, a, lanes[1]!, lanes[2]!, lanes[3]!)) return true;
    return this.#old !== null && find(this.#old, this.#oldMask, a, lanes[1]!, lanes[2]!, lanes[3]!);
  }

  /** Adds the hash in {@link lanes}; false when it was already present. */
  add(): boolean {
    if (this.#old === null && (this.#size + 1) * 2 > this.#mask + 1) this.#startGrowing();
    if (this.#old !== null) {
      this.#migrate(MIGRATE_PER_ADD);
      if (this.#old !== null && find(this.#old, this.#oldMask, keyA(), lanes[1]!, lanes[2]!, lanes[3]!)) return false;
    }
    if (!place(this.#table, this.#mask, keyA(), lanes[1]!, lanes[2]!, lanes[3]!)) return false;
    this.#size++;
    return true;
  }

  /** Adds hashes stored as 4-word groups (a checkpoint's journal); returns how many were new. */
  addWords(words: Uint32Array): number {
    let added = 0;
    for (let o = 0; o + 3 < words.length; o += 4) {
      lanes[0] = words[o]!;
      lanes[1] = words[o + 1]!;
      lanes[2] = words[o + 2]!;
      lanes[3] = words[o + 3]!;
      if (this.add()) added++;
    }
    return added;
  }

  /** Every hash held, as 4-word groups (for a full re-save of a checkpoint). */
  words(): Uint32Array {
    this.#migrate(Infinity);
    const out = new Uint32Array(this.#size * 4);
    const t = this.#table;
    let n = 0;
    for (let o = 0; o < t.length; o += 4) {
      if (t[o] === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) continue;
      out[n++] = t[o]!;
      out[n++] = t[o + 1]!;
      out[n++] = t[o + 2]!;
      out[n++] = t[o + 3]!;
    }
    return out;
  }

  #startGrowing(): void {
    this.#old = this.#table;
    this.#oldMask = this.#mask;
    this.#moved = 0;
    this.#mask = (this.#mask + 1) * 2 - 1;
    this.#table = new Uint32Array((this.#mask + 1) * 4);
  }

  /** Moves up to `slots` old slots into the new table; drops the old table when done. */
  #migrate(slots: number): void {
    const old = this.#old;
    if (old === null) return;
    const end = Math.min(this.#oldMask + 1, this.#moved + slots);
    for (let i = this.#moved; i < end; i++) {
      const o = i * 4;
      if (old[o] === 0 && old[o + 1] === 0 && old[o + 2] === 0 && old[o + 3] === 0) continue;
      place(this.#table, this.#mask, old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]!);
      // Emptying the slot would break probe chains of entries not yet moved; leaving it is harmless:
      // lookups try the new table first and a hash found in both is the same hash.
    }
    this.#moved = end;
    if (end > this.#oldMask) this.#old = null;
  }
}

/** The first lane as stored: an all-zero hash would read as an empty slot. */
function keyA(): number {
  return lanes[0]! === 0 && lanes[1]! === 0 && lanes[2]! === 0 && lanes[3]! === 0 ? 1 : lanes[0]!;
}

function find(t: Uint32Array, mask: number, a: number, b: number, c: number, d: number): boolean {
  for (let i = a & mask; ; i = (i + 1) & mask) {
    const o = i * 4;
    const x = t[o]!;
    if (x === a && t[o + 1] === b && t[o + 2] === c && t[o + 3] === d) return true;
    if (x === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) return false;
  }
}

// An all-zero hash marks an empty slot, so it is stored as (1, 0, 0, 0): that collides only with
// the id whose hash is exactly (1, 0, 0, 0), probability 2^-128.

function place(t: Uint32Array, mask: number, a: number, b: number, c: number, d: number): boolean {
  for (let i = a & mask; ; i = (i + 1) & mask) {
    const o = i * 4;
    const x = t[o]!;
    if (x === a && t[o + 1] === b && t[o + 2] === c && t[o + 3] === d) return false;
    if (x === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) {
      t[o] = a;
      t[o + 1] = b;
      t[o + 2] = c;
      t[o + 3] = d;
      return true;
    }
  }
}
