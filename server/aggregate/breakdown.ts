/**
 * Exact GMV and order counts per key (region, category, channel) and parcel counts per warehouse,
 * with bounded memory: the first `maxKeys` distinct keys are tracked one by one, later ones are
 * summed under {@link OTHER_KEY}. Entries without the field count under {@link NONE_KEY}. Both
 * reserved keys contain parentheses, which the contract's tokens cannot, so they never collide.
 * The rows of a breakdown always sum to the totals.
 */
import { MoneySum } from '../../shared/money';
import { LOGISTICS_STAGES, type LogisticsStage } from '../../shared/domain';
import { NONE_KEY, OTHER_KEY, type BreakdownRow, type WarehouseRow } from '../../shared/wire';

export { NONE_KEY, OTHER_KEY };

interface Cell {
  gmv: MoneySum;
  orders: number;
}

/** Saved form: [key, gmvMinor, orders]. */
export type BreakdownState = [string, string, number][];

function compareMinor(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export class Breakdown {
  readonly #cells = new Map<string, Cell>();
  #tracked = 0;
  readonly #maxKeys: number;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  add(key: string | undefined, minor: number): void {
    let c = this.#cells.get(key ?? NONE_KEY);
    if (c === undefined) c = this.#open(key);
    c.gmv.add(minor);
    c.orders++;
  }

  #open(key: string | undefined): Cell {
    let k = key ?? NONE_KEY;
    if (key !== undefined) {
      if (this.#tracked >= this.#maxKeys) k = OTHER_KEY;
      else this.#tracked++;
    }
    let c = this.#cells.get(k);
    if (c === undefined) {
      c = { gmv: new MoneySum(), orders: 0 };
      this.#cells.set(k, c);
    }
    return c;
  }

  /**
   * Rows by GMV, largest first. With `limit`, the rows past it are folded into one {@link OTHER_KEY}
   * row, so the rows still sum to the totals.
   */
  rows(limit = Infinity): BreakdownRow[] {
    const all = [...this.#cells].map(([key, c]) => ({ key, gmvMinor: c.gmv.value.toString(), orders: c.orders }));
    all.sort((a, b) => compareMinor(b.gmvMinor, a.gmvMinor) || (a.key < b.key ? -1 : 1));
    if (all.length <= limit) return all;
    const keep = all.filter((r) => r.key !== OTHER_KEY).slice(0, limit);
    const kept = new Set(keep.map((r) => r.key));
    let gmv = 0n;
    let orders = 0;
    for (const r of all) {
      if (kept.has(r.key)) continue;
      gmv += BigInt(r.gmvMinor);
      orders += r.orders;
    }
    keep.push({ key: OTHER_KEY, gmvMinor: gmv.toString(), orders });
    return keep;
  }

  state(): BreakdownState {
    return [...this.#cells].map(([k, c]) => [k, c.gmv.value.toString(), c.orders]);
  }

  restore(s: BreakdownState): void {
    for (const [k, gmv, orders] of s) {
      this.#cells.set(k, { gmv: new MoneySum(BigInt(gmv)), orders });
      if (k !== NONE_KEY && k !== OTHER_KEY) this.#tracked++;
    }
  }
}

/** Parcels per warehouse and stage, bounded like {@link Breakdown}. */
export class WarehouseTable {
  readonly #rows = new Map<string, Record<LogisticsStage, number>>();
  #tracked = 0;
  readonly #maxKeys: number;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  add(warehouse: string | undefined, stage: LogisticsStage, parcels: number): void {
    let k = warehouse ?? NONE_KEY;
    let r = this.#rows.get(k);
    if (r === undefined) {
      if (warehouse !== undefined) {
        if (this.#tracked >= this.#maxKeys) k = OTHER_KEY;
        else this.#tracked++;
      }
      r = this.#rows.get(k);
      if (r === undefined) {
        r = { picked: 0, packed: 0, dispatched: 0, delivered: 0 };
        this.#rows.set(k, r);
      }
    }
    r[stage] += parcels;
  }

  /**
   * Rows by backlog (picked but not yet dispatched), largest first; past `limit` folded into one
   * {@link OTHER_KEY} row.
   */
  rows(limit = Infinity): WarehouseRow[] {
    const all: WarehouseRow[] = [...this.#rows].map(([key, r]) => ({ key, ...r }));
    const backlog = (r: WarehouseRow): number => r.picked - r.dispatched;
    all.sort((a, b) => backlog(b) - backlog(a) || b.dispatched - a.dispatched || (a.key < b.key ? -1 : 1));
    if (all.length <= limit) return all;
    const keep = all.filter((r) => r.key !== OTHER_KEY).slice(0, limit);
    const kept = new Set(keep.map((r) => r.key));
    const rest: WarehouseRow = { key: OTHER_KEY, picked: 0, packed: 0, dispatched: 0, delivered: 0 };
    for (const r of all) {
      if (kept.has(r.key)) continue;
      for (const s of LOGISTICS_STAGES) rest[s] += r[s];
    }
    keep.push(rest);
    return keep;
  }

  state(): WarehouseRow[] {
    return [...this.#rows].map(([key, r]) => ({ key, ...r }));
  }

  restore(rows: WarehouseRow[]): void {
    for (const { key, ...r } of rows) {
      this.#rows.set(key, { picked: r.picked, packed: r.packed, dispatched: r.dispatched, delivered: r.delivered });
      if (key !== NONE_KEY && key !== OTHER_KEY) this.#tracked++;
    }
  }
}

/** Saved form of a {@link PairTable}: [a, b, gmvMinor, orders]. */
export type PairState = [string, string, string, number][];

/**
 * GMV and orders for every pair of two dimensions (region × category, ...), for drill-down: the
 * categories within one region, the regions within one category. Bounded: the first `maxKeys`
 * distinct values of each side are tracked, later ones fold into `(other)`.
 */
export class PairTable {
  readonly #cells = new Map<string, Map<string, Cell>>();
  readonly #seenA = new Set<string>();
  readonly #seenB = new Set<string>();
  readonly #maxKeys: number;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  #key(seen: Set<string>, k: string | undefined): string {
    if (k === undefined) return NONE_KEY;
    if (seen.has(k)) return k;
    if (seen.size >= this.#maxKeys) return OTHER_KEY;
    seen.add(k);
    return k;
  }

  add(a: string | undefined, b: string | undefined, minor: number): void {
    const ka = this.#key(this.#seenA, a);
    const kb = this.#key(this.#seenB, b);
    let row = this.#cells.get(ka);
    if (row === undefined) this.#cells.set(ka, (row = new Map()));
    let c = row.get(kb);
    if (c === undefined) row.set(kb, (c = { gmv: new MoneySum(), orders: 0 }));
    c.gmv.add(minor);
    c.orders++;
  }

  /** The b-side rows within a = `key`, largest first. */
  withinA(key: string): BreakdownRow[] {
    return PairTable.#rows(this.#cells.get(key) ?? new Map());
  }

  /** The a-side rows within b = `key`, largest first. */
  withinB(key: string): BreakdownRow[] {
    const col = new Map<string, Cell>();
    for (const [a, row] of this.#cells) {
      const c = row.get(key);
      if (c) col.set(a, c);
    }
    return PairTable.#rows(col);
  }

  static #rows(m: Map<string, Cell>): BreakdownRow[] {
    const rows = [...m].map(([key, c]) => ({ key, gmvMinor: c.gmv.value.toString(), orders: c.orders }));
    rows.sort((x, y) => compareMinor(y.gmvMinor, x.gmvMinor) || (x.key < y.key ? -1 : 1));
    return rows;
  }

  state(): PairState {
    const out: PairState = [];
    for (const [a, row] of this.#cells) for (const [b, c] of row) out.push([a, b, c.gmv.value.toString(), c.orders]);
    return out;
  }

  restore(s: PairState): void {
    for (const [a, b, gmv, orders] of s) {
      let row = this.#cells.get(a);
      if (row === undefined) this.#cells.set(a, (row = new Map()));
      row.set(b, { gmv: new MoneySum(BigInt(gmv)), orders });
      if (a !== NONE_KEY && a !== OTHER_KEY) this.#seenA.add(a);
      if (b !== NONE_KEY && b !== OTHER_KEY) this.#seenB.add(b);
    }
  }
}
