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
