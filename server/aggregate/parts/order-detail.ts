/**
 * The orders part's breakdowns: GMV and orders by region, category and sales channel, the three
 * pairs of them for drill-down, and the flash-sale SKUs sold. Each keyed table is bounded (the rest
 * count under `(other)`), since keys come from producers.
 */
import type { Order } from '../../../shared/domain';
import type { BreakdownRow, FlashRow } from '../../../shared/wire';
import type { Drill, DrillDim } from '../../../shared/api';
import { Breakdown, PairTable, type BreakdownState, type PairState } from '../breakdown';
import { breakdown, count, pairs, record, array, str, timeOrNull } from '../check';

/** Regions tracked one by one at most (ISO 3166-2: 34 in China, 51 in the US). */
export const MAX_REGIONS = 64;
/** Categories, sales channels and warehouses tracked one by one at most. */
export const MAX_KEYS = 256;
/** Values of each side of a drill-down pair tracked one by one at most. */
export const MAX_PAIR_KEYS = 64;

export interface OrderDetailState {
  breakdowns: { regions: BreakdownState; categories: BreakdownState; channels: BreakdownState };
  /** Region × category, region × channel, category × channel, for drill-down. */
  pairs: { regionCategory: PairState; regionChannel: PairState; categoryChannel: PairState };
  flash: FlashRow[];
}

export class OrderDetail {
  readonly #regions = new Breakdown(MAX_REGIONS);
  readonly #categories = new Breakdown(MAX_KEYS);
  readonly #channels = new Breakdown(MAX_KEYS);
  readonly #regionCategory = new PairTable(MAX_PAIR_KEYS);
  readonly #regionChannel = new PairTable(MAX_PAIR_KEYS);
  readonly #categoryChannel = new PairTable(MAX_PAIR_KEYS);
  /** Flash SKU → its row; sold counts by quantity. */
  readonly #flash = new Map<string, FlashRow & { stock: number }>();

  constructor(flashSkus: readonly { sku: string; stock: number }[]) {
    for (const f of flashSkus) this.#flash.set(f.sku, { sku: f.sku, sold: 0, soldOutAtMs: null, stock: f.stock });
  }

  add(o: Order): void {
    this.#regions.add(o.region, o.amountMinor);
    this.#categories.add(o.category, o.amountMinor);
    this.#channels.add(o.channel, o.amountMinor);
    this.#regionCategory.add(o.region, o.category, o.amountMinor);
    this.#regionChannel.add(o.region, o.channel, o.amountMinor);
    this.#categoryChannel.add(o.category, o.channel, o.amountMinor);
    if (o.sku !== undefined && this.#flash.size > 0) this.#sellFlash(o.sku, o.qty, o.tsMs);
  }

  #sellFlash(sku: string, qty: number, tsMs: number): void {
    const f = this.#flash.get(sku);
    if (f === undefined) return;
    f.sold += qty;
    if (f.soldOutAtMs === null && f.sold >= f.stock) f.soldOutAtMs = tsMs;
  }

  regions(): BreakdownRow[] {
    return this.#regions.rows();
  }

  categories(limit: number): BreakdownRow[] {
    return this.#categories.rows(limit);
  }

  channels(limit: number): BreakdownRow[] {
    return this.#channels.rows(limit);
  }

  flash(): FlashRow[] {
    return [...this.#flash.values()].map((f) => ({ sku: f.sku, sold: f.sold, soldOutAtMs: f.soldOutAtMs }));
  }

  /** One slice for drill-down: one region, category or channel and the other two dimensions within it; null when never seen. */
  drill(dim: DrillDim, key: string): Drill | null {
    const own = (dim === 'region' ? this.#regions : dim === 'category' ? this.#categories : this.#channels)
      .rows()
      .find((r) => r.key === key);
    if (!own) return null;
    const d: Drill = { dim, key, gmvMinor: own.gmvMinor, orders: own.orders };
    if (dim === 'region') {
      d.categories = this.#regionCategory.withinA(key);
      d.channels = this.#regionChannel.withinA(key);
    } else if (dim === 'category') {
      d.regions = this.#regionCategory.withinB(key);
      d.channels = this.#categoryChannel.withinA(key);
    } else {
      d.regions = this.#regionChannel.withinB(key);
      d.categories = this.#categoryChannel.withinB(key);
    }
    return d;
  }

  state(): OrderDetailState {
    return {
      breakdowns: { regions: this.#regions.state(), categories: this.#categories.state(), channels: this.#channels.state() },
      pairs: {
        regionCategory: this.#regionCategory.state(),
        regionChannel: this.#regionChannel.state(),
        categoryChannel: this.#categoryChannel.state(),
      },
      flash: this.flash(),
    };
  }

  restore(s: OrderDetailState): void {
    this.#regions.restore(s.breakdowns.regions);
    this.#categories.restore(s.breakdowns.categories);
    this.#channels.restore(s.breakdowns.channels);
    for (const f of s.flash) {
      const mine = this.#flash.get(f.sku);
      if (mine) {
        mine.sold = f.sold;
        mine.soldOutAtMs = f.soldOutAtMs;
      }
    }
    this.#regionCategory.restore(s.pairs.regionCategory);
    this.#regionChannel.restore(s.pairs.regionChannel);
    this.#categoryChannel.restore(s.pairs.categoryChannel);
  }
}

/** Checks a saved {@link OrderDetailState} at `at` (throws BadState naming the place). */
export function checkOrderDetail(s: Record<string, unknown>, at: string): void {
  const b = record(s.breakdowns, `${at}.breakdowns`);
  for (const k of ['regions', 'categories', 'channels'] as const) breakdown(b[k], `${at}.breakdowns.${k}`);
  const p = record(s.pairs, `${at}.pairs`);
  for (const k of ['regionCategory', 'regionChannel', 'categoryChannel'] as const) pairs(p[k], `${at}.pairs.${k}`);
  array(s.flash, `${at}.flash`).forEach((x, i) => {
    const f = record(x, `${at}.flash[${i}]`);
    str(f.sku, `${at}.flash[${i}].sku`);
    count(f.sold, `${at}.flash[${i}].sold`);
    timeOrNull(f.soldOutAtMs, `${at}.flash[${i}].soldOutAtMs`);
  });
}
