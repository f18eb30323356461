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

/**
 * A non-zero 32-bit tag of an amount in minor units (0 is kept for "unknown": hashes restored from a
 * checkpoint written before amounts were kept). Distinct for every amount below 2^32 − 1 minor units;
 * above, two amounts share a tag with probability 2^-32.
 */
export function amountTag(minor: number): number {
  const v = ((minor >>> 0) ^ Math.imul(Math.floor(minor / 0x1_0000_0000), 0x9e3779b1)) >>> 0;
  return v === 0xffff_ffff ? 1 : v + 1;
}

/** Slots moved from the old table to the new one per add while growing. */
const MIGRATE_PER_ADD = 64;

/**
 * A set of 128-bit hashes, optionally with a 32-bit value per hash (4 bytes more per slot; the
 * orders window keeps a fingerprint of each id's first amount there). It grows without a pause:
 * when half full it allocates a table twice as large and moves the old slots over a few at a time
 * on each add (as Redis rehashes its dicts), so no single add stalls ingest for the whole rehash;
 * lookups meanwhile check both tables.
 */
export class IdHashSet {
  #table: Uint32Array;
  #values: Uint32Array | null;
  #mask: number;
  #size = 0;
  /** The table being emptied into `#table` while growing, and how far the move has got (slot index). */
  #old: Uint32Array | null = null;
  #oldValues: Uint32Array | null = null;
  #oldMask = 0;
  #moved = 0;

  /**
   * @param capacity initial slots (default 2^20: 16 MiB), rounded up to a power of two
   * @param withValues keep a 32-bit value beside each hash
   */
  constructor(capacity = 1 << 20, withValues = false) {
    let cap = 1 << 4;
    while (cap < capacity) cap *= 2;
    this.#table = new Uint32Array(cap * 4);
    this.#values = withValues ? new Uint32Array(cap) : null;
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
    return this.get() >= 0;
  }

  /** The value kept with the hash in {@link lanes} (0 when none was given), or -1 when it is absent. */
  get(): number {
    const a = keyA();
    const i = find(this.#table, this.#mask, a, lanes[1]!, lanes[2]!, lanes[3]!);
    if (i >= 0) return this.#values ? this.#values[i]! : 0;
    if (this.#old === null) return -1;
    const j = find(this.#old, this.#oldMask, a, lanes[1]!, lanes[2]!, lanes[3]!);
    return j < 0 ? -1 : this.#oldValues ? this.#oldValues[j]! : 0;
  }

  /** Adds the hash in {@link lanes} with `value` (kept only by a set made with values); false when it was already present. */
  add(value = 0): boolean {
    return this.addOrGet(value) < 0;
  }

  /** Adds the hash in {@link lanes} with `value` and returns -1, or returns the value held when it is present (one probe for both). */
  addOrGet(value: number): number {
    if (this.#old === null && (this.#size + 1) * 2 > this.#mask + 1) this.#startGrowing();
    const a = keyA();
    if (this.#old !== null) {
      this.#migrate(MIGRATE_PER_ADD);
      const j = this.#old === null ? -1 : find(this.#old, this.#oldMask, a, lanes[1]!, lanes[2]!, lanes[3]!);
      if (j >= 0) return this.#oldValues ? this.#oldValues[j]! : 0;
    }
    const i = place(this.#table, this.#mask, a, lanes[1]!, lanes[2]!, lanes[3]!);
    if (i < 0) return this.#values ? this.#values[~i]! : 0;
    if (this.#values) this.#values[i] = value;
    this.#size++;
    return -1;
  }

  /** Adds hashes stored as 4-word groups (a checkpoint's journal) with their values, if any; returns how many were new. */
  addWords(words: Uint32Array, values: Uint32Array | null = null): number {
    let added = 0;
    for (let o = 0, n = 0; o + 3 < words.length; o += 4, n++) {
      lanes[0] = words[o]!;
      lanes[1] = words[o + 1]!;
      lanes[2] = words[o + 2]!;
      lanes[3] = words[o + 3]!;
      if (this.add(values?.[n] ?? 0)) added++;
    }
    return added;
  }

  /** Every hash held, as 4-word groups (for a full re-save of a checkpoint). */
  words(): Uint32Array {
    return this.dump().words;
  }

  /** Every hash held and, for a set with values, their values in the same order. */
  dump(): { words: Uint32Array; values: Uint32Array | null } {
    this.#migrate(Infinity);
    const out = new Uint32Array(this.#size * 4);
    const vals = this.#values ? new Uint32Array(this.#size) : null;
    const t = this.#table;
    let n = 0;
    for (let o = 0; o < t.length; o += 4) {
      if (t[o] === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) continue;
      if (vals) vals[n >> 2] = this.#values![o >> 2]!;
      out[n++] = t[o]!;
      out[n++] = t[o + 1]!;
      out[n++] = t[o + 2]!;
      out[n++] = t[o + 3]!;
    }
    return { words: out, values: vals };
  }

  #startGrowing(): void {
    this.#old = this.#table;
    this.#oldValues = this.#values;
    this.#oldMask = this.#mask;
    this.#moved = 0;
    this.#mask = (this.#mask + 1) * 2 - 1;
    this.#table = new Uint32Array((this.#mask + 1) * 4);
    if (this.#values) this.#values = new Uint32Array(this.#mask + 1);
  }

  /** Moves up to `slots` old slots into the new table; drops the old table when done. */
  #migrate(slots: number): void {
    const old = this.#old;
    if (old === null) return;
    const end = Math.min(this.#oldMask + 1, this.#moved + slots);
    for (let i = this.#moved; i < end; i++) {
      const o = i * 4;
      if (old[o] === 0 && old[o + 1] === 0 && old[o + 2] === 0 && old[o + 3] === 0) continue;
      const at = place(this.#table, this.#mask, old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]!);
      if (at >= 0 && this.#values) this.#values[at] = this.#oldValues![i]!;
      // Emptying the slot would break probe chains of entries not yet moved; leaving it is harmless:
      // lookups try the new table first and a hash found in both is the same hash.
    }
    this.#moved = end;
    if (end > this.#oldMask) {
      this.#old = null;
      this.#oldValues = null;
    }
  }
}

/** The first lane as stored: an all-zero hash would read as an empty slot. */
function keyA(): number {
  return lanes[0]! === 0 && lanes[1]! === 0 && lanes[2]! === 0 && lanes[3]! === 0 ? 1 : lanes[0]!;
}

/** The slot holding the hash, or -1. */
function find(t: Uint32Array, mask: number, a: number, b: number, c: number, d: number): number {
  for (let i = a & mask; ; i = (i + 1) & mask) {
    const o = i * 4;
    const x = t[o]!;
    if (x === a && t[o + 1] === b && t[o + 2] === c && t[o + 3] === d) return i;
    if (x === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) return -1;
  }
}

// An all-zero hash marks an empty slot, so it is stored as (1, 0, 0, 0): that collides only with
// the id whose hash is exactly (1, 0, 0, 0), probability 2^-128.

/** Puts the hash into an empty slot and returns that slot, or ~slot (negative) when it is already there. */
function place(t: Uint32Array, mask: number, a: number, b: number, c: number, d: number): number {
  for (let i = a & mask; ; i = (i + 1) & mask) {
    const o = i * 4;
    const x = t[o]!;
    if (x === a && t[o + 1] === b && t[o + 2] === c && t[o + 3] === d) return ~i;
    if (x === 0 && t[o + 1] === 0 && t[o + 2] === 0 && t[o + 3] === 0) {
      t[o] = a;
      t[o + 1] = b;
      t[o + 2] = c;
      t[o + 3] = d;
      return i;
    }
  }
}
